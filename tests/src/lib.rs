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

#[cfg(feature = "professor")]
pub mod classroom;
#[cfg(feature = "professor")]
pub mod kit;
#[cfg(feature = "professor")]
pub mod livro;
#[cfg(feature = "professor")]
pub mod notas;

use std::io::{BufRead, BufReader, Read, Write};
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
/// primeira chamada com o mesmo cargo e perfil que compilaram os testes.
///
/// Na correção (`avaliacao notas`) os binários já foram compilados antes, e
/// a variável `AVALIACAO_BINARIOS` diz a pasta deles: o teste não chama o
/// cargo.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| match std::env::var_os("AVALIACAO_BINARIOS") {
        Some(dir) => PathBuf::from(dir),
        None => build_binaries(),
    });
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn build_binaries() -> PathBuf {
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
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build", "--quiet", "--bins", "-p", "udp-echo", "-p", "tcp-echo",
        ])
        .arg("--profile")
        .arg(profile)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(workspace_root())
        .status()
        .expect("não foi possível rodar o cargo para compilar os binários");
    assert!(status.success(), "a compilação dos binários falhou");
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

    /// Espera (até [`PATIENCE`]) uma linha de log que contenha `text`.
    pub fn wait_for_log(&self, text: &str) -> bool {
        wait_until(|| self.log().iter().any(|l| l.contains(text)))
    }

    /// O servidor ainda está rodando? (Sabe-se pela saída dele, que fecha
    /// quando ele termina ou cai.)
    pub fn is_alive(&self) -> bool {
        self.alive.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Manda o sinal `signal` (`"INT"` é o Ctrl+C) e espera o servidor sair
    /// e a última linha dele ser lida.
    pub fn stop_with(&mut self, signal: &str) -> ExitStatus {
        #[cfg(unix)]
        {
            let number = match signal {
                "INT" => libc::SIGINT,
                "TERM" => libc::SIGTERM,
                other => panic!("sinal desconhecido: {other}"),
            };
            let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
            // SAFETY: kill só manda um sinal, ao processo do servidor que
            // iniciamos (e que ainda não foi recolhido com wait).
            let sent = unsafe { libc::kill(pid, number) };
            assert_eq!(sent, 0, "não foi possível mandar SIG{signal}");
        }
        // No Windows não há sinais: o servidor é só encerrado.
        #[cfg(not(unix))]
        {
            let _ = signal;
            let _ = self.child.kill();
        }
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

fn wait_child(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
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
    /// A saída de erros, como texto.
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
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: String::from_utf8_lossy(&stderr.join().expect("stderr")).into_owned(),
    }
}

fn read_all_in_background(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
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

/// Envia `message` ao servidor UDP e espera a resposta dele. Falha logo (sem
/// esperar a paciência toda) se o servidor parar no meio.
pub fn ask_udp(server: &Server, message: &[u8]) -> Vec<u8> {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("socket UDP");
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    socket.send_to(message, server.addr).expect("envio");
    let deadline = Instant::now() + PATIENCE;
    let mut buffer = vec![0u8; 65536];
    loop {
        if let Ok((n, from)) = socket.recv_from(&mut buffer) {
            assert_eq!(from, server.addr, "a resposta deve vir do servidor");
            buffer.truncate(n);
            return buffer;
        }
        assert!(server.is_alive(), "o servidor parou (entrou em pânico?)");
        assert!(Instant::now() < deadline, "o servidor não respondeu");
    }
}

/// Uma conexão TCP de teste com o servidor, com limite de espera para ler e
/// escrever.
pub fn connect_tcp(server: &Server) -> std::net::TcpStream {
    let stream = std::net::TcpStream::connect_timeout(&server.addr, PATIENCE).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    stream.set_write_timeout(Some(PATIENCE)).expect("timeout");
    stream
}

/// Lê exatamente `n` bytes da conexão.
pub fn read_n(stream: &mut std::net::TcpStream, n: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; n];
    stream
        .read_exact(&mut buffer)
        .expect("a resposta não veio inteira");
    buffer
}

/// Roda `udp-echo ping` contra `port` com a contagem, o intervalo (ms) e o
/// tempo limite (s) dados.
pub fn run_ping(port: u16, count: &str, interval: &str, timeout: &str) -> Output {
    let port = port.to_string();
    let args = [
        "ping",
        "--porta",
        &port,
        "--contagem",
        count,
        "--intervalo",
        interval,
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
    fn hide_ports_troca_so_as_portas_de_enderecos() {
        assert_eq!(
            super::hide_ports("em 127.0.0.1:40000: 5 bytes; [::1]:7 e 10:30"),
            "em 127.0.0.1:[PORTA]: 5 bytes; [::1]:[PORTA] e 10:30"
        );
    }
}
