//! # `avaliacao`: as ferramentas dos testes
//!
//! Os testes em `tests/tests/` rodam os **binários reais** (`udp-echo`,
//! `tcp-echo`), como um estudante faria em dois terminais, e conversam com
//! eles pela interface de loopback (127.0.0.1 e ::1), nunca por outra rede.
//!
//! - [`binary`] compila os binários uma vez e diz onde estão.
//! - [`Server`] sobe um servidor na porta 0, lê da primeira linha o endereço
//!   que ele realmente usou e o encerra ao fim do teste.
//! - [`run`] roda um cliente com entrada, tempo-limite e saída capturada.
//! - [`skip`] é o que um teste chama quando esta máquina não pode rodá-lo.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// Quanto um teste espera, no máximo, por algo que deveria ser imediato
/// (um servidor subir, uma resposta pela loopback). É um limite para não
/// travar, não uma medida de velocidade: numa máquina ocupada pode levar mais.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// O caminho do binário `name` (`"udp-echo"` ou `"tcp-echo"`), compilado na
/// primeira chamada com o mesmo cargo e perfil que compilaram os testes. Se o
/// `cargo build` compilou algo (o programa mudou), o teste diz isso no
/// terminal: os segundos dessa compilação não ficam escondidos no tempo de um
/// teste.
///
/// Na correção (`professor notas`) e no Wine (`.ci/wine/rodar`, sem cargo lá
/// dentro) os binários já foram compilados antes, e a variável
/// `AVALIACAO_BINARIOS` diz a pasta deles (com os `.exe`, no Windows).
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| match std::env::var_os("AVALIACAO_BINARIOS") {
        Some(dir) => PathBuf::from(dir),
        None => build_binaries(),
    });
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn build_binaries() -> PathBuf {
    build_programs("--bins")
}

/// Compila os programas dos dois capítulos (`what`: `--bins` ou
/// `--examples`) com o mesmo cargo e perfil que compilaram os testes, e
/// devolve a pasta do perfil (`target/debug`). O `cargo build` não recompila
/// o que já está em dia, e não deixa um programa velho ser testado.
pub fn build_programs(what: &str) -> PathBuf {
    // O teste roda de target/<perfil>/deps/; os binários ficam em target/<perfil>/.
    let exe = std::env::current_exe().expect("caminho do executável do teste");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("pasta do perfil")
        .to_path_buf();
    let target_dir = profile_dir.parent().expect("pasta target");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    // O programa mais novo da pasta: mudou, o cargo compilou. Programas não
    // têm extensão (fora o `.exe`); o `.cargo-lock` e os `.d` mudam sempre.
    let built_at = |dir: &Path| {
        std::fs::read_dir(dir).ok().and_then(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let stem = name.trim_end_matches(std::env::consts::EXE_SUFFIX);
                    !stem.contains('.')
                })
                .filter_map(|e| e.metadata().ok()?.modified().ok())
                .max()
        })
    };
    let watched = match what {
        "--examples" => profile_dir.join("examples"),
        _ => profile_dir.clone(),
    };
    let before = built_at(&watched);
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", what, "-p", "udp-echo", "-p", "tcp-echo"])
        .arg("--profile")
        .arg(profile)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(workspace_root())
        // Nenhum processo filho herda a saída padrão do harness: ela é o
        // relatório dos testes, que a correção lê (o cargo só escreve na de
        // erro).
        .stdout(Stdio::null())
        .status()
        .expect("não foi possível rodar o cargo para compilar os programas");
    assert!(
        status.success(),
        "a compilação dos programas ({what}) falhou"
    );
    if built_at(&watched) != before {
        let _ = writeln!(
            std::io::stderr(),
            "avaliacao: compilei os programas para os testes (cargo build {what} -p udp-echo \
             -p tcp-echo), em {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
    profile_dir
}

/// A raiz do workspace (a pasta acima de `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("o crate avaliacao fica dentro do workspace")
        .to_path_buf()
}

/// Um servidor rodando, com o endereço que ele anunciou na primeira linha.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// O endereço que o servidor disse estar usando (com a porta real).
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    reader: Option<thread::JoinHandle<()>>,
    /// Vira `false` quando a saída do servidor fecha: ele terminou (ou caiu).
    alive: Arc<std::sync::atomic::AtomicBool>,
}

impl Server {
    /// Sobe `program servidor --endereco 127.0.0.1 --porta 0 <extra>`.
    pub fn start(program: &str, extra: &[&str]) -> Server {
        let mut args = vec!["servidor", "--endereco", "127.0.0.1", "--porta", "0"];
        args.extend_from_slice(extra);
        Server::start_with(program, &args)
    }

    /// Sobe `program` com exatamente estes argumentos; o servidor deve
    /// anunciar o endereço no fim da primeira linha.
    pub fn start_with(program: &str, args: &[&str]) -> Server {
        let mut command = Command::new(binary(program));
        command.args(args);
        Server::spawn(command)
    }

    /// Sobe qualquer servidor (o Python das notas, por exemplo) que anuncie
    /// o endereço no fim da primeira linha.
    pub fn spawn(mut command: Command) -> Server {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("não foi possível iniciar o servidor");
        let stdout = child.stdout.take().expect("stdout do servidor");
        let log = Arc::new(Mutex::new(Vec::new()));
        let alive = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (first_line, reader) = collect_lines(stdout, Arc::clone(&log), Arc::clone(&alive));
        let line = match first_line.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!("o servidor não escreveu a primeira linha a tempo");
            }
        };
        let addr = line
            .rsplit(' ')
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("primeira linha sem endereço: {line:?}"));
        Server {
            child,
            addr,
            log,
            reader: Some(reader),
            alive,
        }
    }

    /// O número do processo do servidor.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A memória residente (RSS) do servidor em KiB, lida de
    /// `/proc/PID/status` (só no Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// A porta em que o servidor escuta.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// As linhas que o servidor escreveu até agora.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Espera (até [`PATIENCE`]) uma linha de log que contenha `text`. Se o
    /// servidor parou, o log já está completo: a resposta sai na hora, sem
    /// esperar a paciência toda por uma linha que não virá.
    pub fn wait_for_log(&self, text: &str) -> bool {
        let found = || self.log().iter().any(|l| l.contains(text));
        wait_until(|| found() || !self.is_alive());
        found()
    }

    /// O servidor ainda está rodando? (Sabe-se pela saída dele, que fecha
    /// quando ele termina ou cai.)
    pub fn is_alive(&self) -> bool {
        self.alive.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Manda o sinal `signal` (`"INT"` é o Ctrl+C) e espera o servidor sair
    /// e a última linha dele ser lida.
    pub fn stop_with(&mut self, signal: &str) -> ExitStatus {
        send_signal(&mut self.child, signal);
        let status =
            wait_child(&mut self.child, PATIENCE).expect("o servidor não saiu após o sinal");
        // A thread que lê a saída termina quando o servidor fecha a saída dele.
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Lê as linhas de `stdout` numa thread (para o servidor nunca travar com a
/// saída cheia) e devolve um canal que entrega a primeira.
fn collect_lines(
    stdout: ChildStdout,
    log: Arc<Mutex<Vec<String>>>,
    alive: Arc<std::sync::atomic::AtomicBool>,
) -> (Receiver<String>, thread::JoinHandle<()>) {
    let (first_tx, first_rx) = mpsc::channel();
    let reader = thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            let text = String::from_utf8_lossy(&line).trim_end().to_string();
            log.lock().expect("log").push(text.clone());
            let _ = first_tx.send(text);
            line.clear();
        }
        alive.store(false, std::sync::atomic::Ordering::SeqCst);
    });
    (first_rx, reader)
}

/// Um teste que precisa do que esta máquina não tem (root, `bwrap`,
/// `python3`, `nc`, Chromium...) chama isto e retorna (`return skip("sem
/// nc")`), em vez de passar em silêncio:
///
/// - na integração contínua (a variável `CI`, que o GitHub põe em `true`),
///   é uma falha: lá, todo teste tem de rodar, e faltar a ferramenta é um
///   defeito da máquina;
/// - fora dela, escreve `IGNORADO: <teste>: <motivo>` direto no terminal. O
///   `cargo test` esconde o `eprintln!` de um teste que passa; a escrita
///   direta na saída de erro aparece sempre.
#[track_caller]
pub fn skip(reason: &str) {
    let current = thread::current();
    let test = current.name().unwrap_or("teste");
    assert!(
        !in_ci(),
        "{test}: na integração contínua todo teste tem de rodar, e este não pôde: {reason}"
    );
    let _ = writeln!(std::io::stderr(), "IGNORADO: {test}: {reason}");
}

/// Estamos na integração contínua? (`CI` definida, e não vazia nem `false`.)
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Repete `check` até ele dar verdadeiro ou [`PATIENCE`] passar.
pub fn wait_until(mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if check() {
            return true;
        }
        thread::sleep(Duration::from_millis(10));
    }
    check()
}

/// Manda o sinal `signal` (`"INT"` é o Ctrl+C, `"TERM"` o do `kill`) a um
/// programa que iniciamos. No Windows não há sinais: o programa é só encerrado.
pub fn send_signal(child: &mut Child, signal: &str) {
    #[cfg(unix)]
    {
        let number = match signal {
            "INT" => libc::SIGINT,
            "TERM" => libc::SIGTERM,
            other => panic!("sinal desconhecido: {other}"),
        };
        let pid = libc::pid_t::try_from(child.id()).expect("pid");
        // SAFETY: kill só manda um sinal, ao processo que iniciamos (e que
        // ainda não foi recolhido com wait).
        let sent = unsafe { libc::kill(pid, number) };
        assert_eq!(sent, 0, "não foi possível mandar SIG{signal}");
    }
    #[cfg(not(unix))]
    {
        let _ = signal;
        let _ = child.kill();
    }
}

/// Espera `child` terminar por até `limit`; passado isso, mata-o e devolve
/// `None`.
pub fn wait_child(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// O resultado de um programa que rodou até o fim.
#[derive(Debug)]
pub struct Output {
    /// O código de saída.
    pub status: ExitStatus,
    /// A saída padrão, em bytes.
    pub stdout: Vec<u8>,
    /// A saída de erro, como texto.
    pub stderr: String,
}

impl Output {
    /// A saída padrão como texto.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Roda `program args...` com `stdin` como entrada e espera no máximo
/// [`PATIENCE`]; um programa que não termina é morto e o teste falha.
pub fn run(program: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(binary(program));
    command.args(args);
    run_command(command, stdin)
}

/// Como [`run`], para qualquer comando.
pub fn run_command(mut command: Command, stdin: &[u8]) -> Output {
    let description = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("não foi possível iniciar o programa");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let writer = thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let stdout = read_all_in_background(child.stdout.take().expect("stdout"));
    let stderr = read_all_in_background(child.stderr.take().expect("stderr"));
    let status = wait_child(&mut child, PATIENCE)
        .unwrap_or_else(|| panic!("{description} não terminou em {PATIENCE:?}"));
    let _ = writer.join();
    let stderr = String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned();
    // A saída de erro do programa vai também para a do teste: o harness só a
    // mostra se o teste falhar, e aí ela diz por quê (o pânico do programa,
    // a mensagem de erro dele), junto da asserção.
    eprint!("{stderr}");
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr,
    }
}

fn read_all_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Os campos `chave=valor` da linha `RESULTADO` que os `bench` escrevem.
pub fn result_fields(output: &Output) -> Vec<(String, String)> {
    let text = output.stdout_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULTADO "))
        .unwrap_or_else(|| panic!("sem linha RESULTADO:\n{text}\n{}", output.stderr));
    line.split_whitespace()
        .filter_map(|f| f.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Troca cada porta que segue `127.0.0.1:` ou `]:` por `[PORTA]`, para que
/// uma transcrição não mude de uma execução para outra.
pub fn hide_ports(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(colon) = rest.find(':') {
        let (before, after) = rest.split_at(colon + 1);
        out.push_str(before);
        let port = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if port > 0 && (before.ends_with("127.0.0.1:") || before.ends_with("]:")) {
            out.push_str("[PORTA]");
            rest = &after[port..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Quantos segundos um teste espera por uma resposta, para as mensagens.
pub fn patience_secs() -> u64 {
    PATIENCE.as_secs()
}

/// Um erro de "esperei e nada veio" (o tempo-limite do socket acabou)? O
/// mesmo dos programas.
pub use common::error::is_timeout;

/// Um resumo curto de uma mensagem, para dizer numa falha o que foi enviado
/// ou o que voltou: o tamanho e o começo como texto (`5 bytes "hello"`).
pub fn summary(bytes: &[u8]) -> String {
    format!("{} bytes {}", bytes.len(), common::log::preview(bytes, 40))
}

/// Quantos bytes de cada lado da primeira diferença aparecem na mensagem.
const AROUND: usize = 20;

/// Onde `got` difere de `expected`, em poucas linhas legíveis: os tamanhos,
/// o primeiro byte diferente e uns 40 bytes em volta dele, como texto.
/// `None` se são iguais.
pub fn bytes_difference(expected: &[u8], got: &[u8]) -> Option<String> {
    if expected == got {
        return None;
    }
    let offset = expected
        .iter()
        .zip(got)
        .position(|(e, g)| e != g)
        .unwrap_or(expected.len().min(got.len()));
    let sizes = if expected.len() == got.len() {
        format!("tamanho: igual, {} bytes", got.len())
    } else if got.len() < expected.len() {
        format!(
            "tamanho: esperado {} bytes, veio {} (faltam {})",
            expected.len(),
            got.len(),
            expected.len() - got.len()
        )
    } else {
        format!(
            "tamanho: esperado {} bytes, veio {} (sobram {})",
            expected.len(),
            got.len(),
            got.len() - expected.len()
        )
    };
    let at = match (expected.get(offset), got.get(offset)) {
        (Some(e), Some(g)) => format!("esperado 0x{e:02X}, veio 0x{g:02X}"),
        (Some(_), None) => "a resposta acabou antes".to_string(),
        _ => "a resposta continua depois do fim esperado".to_string(),
    };
    // A janela começa no começo de um caractere (um byte 0b10xxxxxx é o meio
    // de um caractere UTF-8), para um `ç` não aparecer cortado.
    let mut start = offset.saturating_sub(AROUND);
    while start > 0 && expected.get(start).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
    }
    Some(format!(
        "  {sizes}\n  primeira diferença no byte {offset}: {at}\n  \
         esperado, do byte {start} em diante: {}\n  \
         veio,     do byte {start} em diante: {}",
        excerpt(expected, start),
        excerpt(got, start)
    ))
}

/// Uns `2 * AROUND` bytes de `bytes` a partir de `start`, como texto.
fn excerpt(bytes: &[u8], start: usize) -> String {
    let start = start.min(bytes.len());
    let mut end = (start + 2 * AROUND).min(bytes.len());
    while end < bytes.len() && bytes[end] & 0xC0 == 0x80 {
        end += 1;
    }
    let before = if start > 0 { "…" } else { "" };
    let after = if end < bytes.len() { "…" } else { " (fim)" };
    let text = common::log::preview(&bytes[start..end], 4 * AROUND);
    format!("{before}{text}{after}")
}

/// Falha, com uma mensagem curta que aponta onde, se `got` não é
/// `expected`. `context` diz o que estava sendo conferido (o que foi
/// enviado, por exemplo). Nunca despeja os bytes todos: um datagrama de
/// 60 000 bytes viraria 240 KB de números.
#[track_caller]
pub fn assert_bytes_eq(expected: &[u8], got: &[u8], context: &str) {
    if let Some(difference) = bytes_difference(expected, got) {
        panic!("{context}: a resposta não é a esperada\n{difference}");
    }
}

/// Envia `message` ao servidor UDP e espera a resposta dele. Falha logo (sem
/// esperar a paciência toda) se o servidor parar no meio.
#[track_caller]
pub fn ask_udp(server: &Server, message: &[u8]) -> Vec<u8> {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("socket UDP");
    if let Err(err) = socket.send_to(message, server.addr) {
        panic!("não foi possível enviar {}: {err}", summary(message));
    }
    let what = format!("a resposta ao datagrama de {}", summary(message));
    let (reply, from) = receive_reply(server, &socket, &what);
    assert_eq!(
        from, server.addr,
        "a resposta deve vir do endereço do servidor"
    );
    reply
}

/// Envia `message` ao servidor UDP e confere que a resposta é `expected`.
#[track_caller]
pub fn assert_udp_reply(server: &Server, message: &[u8], expected: &[u8]) {
    let reply = ask_udp(server, message);
    let context = format!("enviado um datagrama de {}", summary(message));
    assert_bytes_eq(expected, &reply, &context);
}

/// Espera (até [`PATIENCE`]) a resposta de `server` em `socket`. `what`
/// diz, na falha, que resposta se esperava. Falha logo, sem esperar a
/// paciência toda, se o servidor parar no meio (um `todo!()`, um pânico).
#[track_caller]
pub fn receive_reply(
    server: &Server,
    socket: &std::net::UdpSocket,
    what: &str,
) -> (Vec<u8>, SocketAddr) {
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("não foi possível ajustar o tempo-limite");
    let deadline = Instant::now() + PATIENCE;
    let mut buffer = vec![0u8; 65536];
    loop {
        match socket.recv_from(&mut buffer) {
            Ok((n, from)) => {
                buffer.truncate(n);
                return (buffer, from);
            }
            // Nada ainda. No Windows, o "porta inalcançável" de um servidor
            // que caiu chega como `ConnectionReset` no `recv_from`: quem diz
            // o que houve é a conferência abaixo.
            Err(err)
                if is_timeout(&err)
                    || matches!(
                        err.kind(),
                        io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
                    ) => {}
            Err(err) => panic!("erro ao esperar {what}: {err}"),
        }
        assert!(
            server.is_alive(),
            "o servidor parou (entrou em pânico? devolveu um erro?) antes de mandar {what}"
        );
        assert!(
            Instant::now() < deadline,
            "o servidor não respondeu em {} s ({what})",
            patience_secs()
        );
    }
}

/// Espera (até [`PATIENCE`]) um datagrama em `socket`. `what` diz, na
/// falha, que datagrama se esperava. Para a resposta de um servidor nosso,
/// use [`receive_reply`], que também percebe se ele parou.
#[track_caller]
pub fn receive_udp(socket: &std::net::UdpSocket, what: &str) -> (Vec<u8>, SocketAddr) {
    socket
        .set_read_timeout(Some(PATIENCE))
        .expect("não foi possível ajustar o tempo-limite");
    let mut buffer = vec![0u8; 65536];
    match socket.recv_from(&mut buffer) {
        Ok((n, from)) => {
            buffer.truncate(n);
            (buffer, from)
        }
        Err(err) if is_timeout(&err) => {
            panic!("ninguém mandou {what} em {} s", patience_secs())
        }
        Err(err) => panic!("erro ao esperar {what}: {err}"),
    }
}

/// Uma conexão TCP de teste com o servidor, com limite de espera para ler e
/// escrever.
pub fn connect_tcp(server: &Server) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect_timeout(&server.addr, PATIENCE).expect("connect");
    stream
        .set_read_timeout(Some(PATIENCE))
        .expect("não foi possível ajustar o tempo-limite");
    stream
        .set_write_timeout(Some(PATIENCE))
        .expect("não foi possível ajustar o tempo-limite");
    stream
}

/// Lê exatamente `n` bytes da conexão; se não vierem, a falha diz quantos
/// vieram e por quê (o servidor fechou, ou não respondeu a tempo).
#[track_caller]
pub fn read_n(stream: &mut std::net::TcpStream, n: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        match stream.read(&mut buffer[filled..]) {
            Ok(0) => panic!(
                "o servidor fechou a conexão depois de {filled} de {n} bytes da resposta: {}",
                summary(&buffer[..filled])
            ),
            Ok(k) => filled += k,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) if is_timeout(&err) => panic!(
                "o servidor não respondeu em {} s: esperava {n} bytes, vieram {filled}: {}",
                patience_secs(),
                summary(&buffer[..filled])
            ),
            Err(err) => panic!("erro ao ler a resposta ({filled} de {n} bytes): {err}",),
        }
    }
    buffer
}

/// Lê até o servidor fechar a conexão (um `read` de 0 bytes) e devolve tudo
/// o que veio; se ele não fechar a tempo, a falha diz o que veio até ali.
#[track_caller]
pub fn read_until_close(stream: &mut std::net::TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return received,
            Ok(k) => received.extend_from_slice(&buffer[..k]),
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
            Err(err) if is_timeout(&err) => panic!(
                "o servidor não fechou a conexão em {} s; até ali vieram {}",
                patience_secs(),
                summary(&received)
            ),
            Err(err) => panic!(
                "erro ao ler a resposta (vieram {} até ali): {err}",
                summary(&received)
            ),
        }
    }
}

/// Roda `udp-echo ping` contra `port` com a contagem, o intervalo (em ms,
/// sem a unidade: `"10"`) e o tempo-limite (s) dados.
pub fn run_ping(port: u16, count: &str, interval: &str, timeout: &str) -> Output {
    let port = port.to_string();
    let args = [
        "ping",
        "--porta",
        &port,
        "--contagem",
        count,
        "--intervalo",
        &format!("{interval}ms"),
        "--timeout",
        timeout,
    ];
    run("udp-echo", &args, b"")
}

/// Um segundo `program servidor` na porta de `server` tem de sair com
/// código 1 e dizer, em português, que a porta está em uso.
pub fn assert_busy_port_refused(program: &str, server: &Server) {
    let port = server.port().to_string();
    let args = ["servidor", "--endereco", "127.0.0.1", "--porta", &port];
    let output = run(program, &args, b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stderr.contains("já está em uso"),
        "{}",
        output.stderr
    );
}

/// O IPv6 funciona nesta máquina? Se não, avisa (o teste que perguntou não roda).
pub fn ipv6_available() -> bool {
    let available = std::net::UdpSocket::bind("[::1]:0").is_ok();
    if !available {
        eprintln!("AVISO: IPv6 indisponível nesta máquina; teste ignorado");
    }
    available
}

/// Sobe `program servidor --endereco ::` e confere que o cliente real chega
/// a ele por `::1`, `127.0.0.1` e `localhost`.
pub fn assert_dual_stack(program: &str) {
    let server = Server::start_with(program, &["servidor", "--endereco", "::", "--porta", "0"]);
    let port = server.port().to_string();
    for host in ["::1", "127.0.0.1", "localhost"] {
        let output = run(
            program,
            &["cliente", "--servidor", host, "--porta", &port, "ip"],
            b"",
        );
        assert!(output.status.success(), "{host}: {}", output.stderr);
        assert_eq!(output.stdout_text(), "IP\n");
    }
}

/// Uma porta onde, agora, ninguém escuta (nem em UDP nem em TCP): pedida
/// ao sistema e liberada em seguida.
pub fn free_port() -> u16 {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("porta livre");
    socket.local_addr().expect("endereço").port()
}

#[cfg(test)]
mod tests {
    #[test]
    fn diferenca_de_tamanho_mostra_so_um_trecho() {
        let expected = vec![b'X'; 60_000];
        let got = vec![b'X'; 2048];
        let text = super::bytes_difference(&expected, &got).unwrap();
        assert!(text.contains("esperado 60000 bytes, veio 2048"), "{text}");
        assert!(text.contains("primeira diferença no byte 2048"), "{text}");
        assert!(text.len() < 400, "mensagem longa demais: {text}");
    }

    #[test]
    fn diferenca_num_acento_mostra_os_caracteres() {
        let text = super::bytes_difference("AÇÃO".as_bytes(), "AçÃO".as_bytes()).unwrap();
        assert!(text.contains("tamanho: igual, 6 bytes"), "{text}");
        assert!(text.contains("byte 2: esperado 0x87, veio 0xA7"), "{text}");
        assert!(text.contains("\"AÇÃO\" (fim)"), "{text}");
        assert!(text.contains("\"AçÃO\" (fim)"), "{text}");
        assert_eq!(super::bytes_difference(b"igual", b"igual"), None);
    }

    #[test]
    fn hide_ports_troca_so_as_portas_de_enderecos() {
        assert_eq!(
            super::hide_ports("em 127.0.0.1:40000: 5 bytes; [::1]:7 e 10:30"),
            "em 127.0.0.1:[PORTA]: 5 bytes; [::1]:[PORTA] e 10:30"
        );
    }
}
