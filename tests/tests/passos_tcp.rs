//! O capítulo TCP passo a passo: cada passo do servidor e do cliente
//! (`tcp-echo/examples/tcp_*_N_*.rs`, e por último `tcp-echo servidor` e
//! `tcp-echo cliente`) roda de verdade, pela loopback, contra o Python das
//! notas (`docs/notas/`) e contra o passo anterior, e faz o que o livro diz
//! que ele acrescenta.
//!
//! No kit do aluno, os passos que contêm a solução de um exercício viram um
//! esboço (`todo!`): os testes deles avisam que não rodaram.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::thread;
use std::time::Duration;

use avaliacao::{
    Output, PATIENCE, Server, connect_tcp, free_port, read_n, read_until_close, run, run_command,
    workspace_root,
};

/// O caminho de um passo compilado (os exemplos de `tcp-echo`).
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| avaliacao::build_programs("--examples").join("examples"));
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

/// O passo ainda é um esboço de exercício (no kit do aluno)? Então o teste
/// avisa e não roda; fora do kit (e na CI) todo passo roda.
fn is_stub(name: &str) -> bool {
    let source = workspace_root().join(format!("tcp-echo/examples/{name}.rs"));
    let text = std::fs::read_to_string(&source).expect("o arquivo do passo");
    let stub = text.contains("todo!(\"Exercício");
    if stub {
        // O kit não leva a pasta tests/kit; fora dele, um esboço é um erro.
        let in_kit = !workspace_root().join("tests/kit").exists();
        assert!(
            in_kit || std::env::var_os("CI").is_none(),
            "{name} é um esboço de exercício fora do kit, na CI"
        );
        eprintln!("NÃO RODOU: {name} tem um exercício por fazer (kit do aluno)");
    }
    stub
}

/// Sobe o passo `name` do servidor na loopback, numa porta livre, com os
/// argumentos que vêm depois da porta e do endereço.
fn start_step(name: &str, extra: &[&str]) -> Server {
    let mut command = Command::new(example(name));
    command.args(["0", "127.0.0.1"]).args(extra);
    Server::spawn(command)
}

/// Roda um passo do cliente contra `port`, com `stdin` como entrada.
fn client_step(name: &str, port: u16, extra: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(example(name));
    command.args(["127.0.0.1", &port.to_string()]).args(extra);
    run_command(command, stdin)
}

/// O Python das notas roda aqui? Ele precisa do `python3` e, no cliente, do
/// `raw_input` do pip. Sem eles, o teste avisa e não roda (na CI, falha).
fn has_python() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import pip._vendor.distlib.compat"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        avaliacao::skip("sem python3 (ou sem o pip, que o cliente das notas importa)");
    }
    found
}

/// O cliente TCP das notas (`docs/notas/tcp_cliente.py`) contra `port`.
fn notes_client(port: u16, sentence: &str) -> String {
    let mut command = Command::new("python3");
    command
        .arg(workspace_root().join("docs/notas/tcp_cliente.py"))
        .args(["127.0.0.1", &port.to_string()]);
    let output = run_command(command, sentence.as_bytes());
    assert!(output.status.success(), "{}", output.stderr);
    output.stdout_text()
}

/// O servidor TCP das notas (`docs/notas/tcp_servidor.py`), numa porta
/// livre; morto ao fim do teste.
struct NotesServer {
    child: Child,
    port: u16,
}

impl NotesServer {
    fn start() -> NotesServer {
        // O servidor das notas não diz a porta: ela é escolhida antes, e se
        // outro programa a tomar nesse meio tempo, tenta outra.
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new("python3")
                .arg(workspace_root().join("docs/notas/tcp_servidor.py"))
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3");
            let stdout = child.stdout.take().expect("stdout");
            let (first, line) = mpsc::channel();
            thread::spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let _ = first.send(lines.next().and_then(Result::ok));
                for _ in lines {}
            });
            if let Ok(Some(text)) = line.recv_timeout(PATIENCE) {
                assert_eq!(text, "The server is ready to receive");
                return NotesServer { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("o servidor das notas não subiu em três portas livres");
    }
}

impl Drop for NotesServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Manda `message`, fecha o lado de escrita e devolve tudo o que voltar.
fn exchange(server: &Server, message: &[u8]) -> Vec<u8> {
    let mut stream = connect_tcp(server);
    let mut writer = stream.try_clone().unwrap();
    let message = message.to_vec();
    let sender = thread::spawn(move || {
        writer.write_all(&message).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let reply = read_until_close(&mut stream);
    sender.join().unwrap();
    reply
}

/// Um "servidor" que devolve em maiúsculas o que chegar e, quando o cliente
/// fecha o lado dele, **não** fecha o seu: segura a conexão até o teste acabar.
fn never_closing_server() -> (u16, mpsc::Sender<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (done, wait) = mpsc::channel::<()>();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0u8; 1024];
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            let _ = stream.write_all(&buffer[..n].to_ascii_uppercase());
        }
        let _ = wait.recv_timeout(PATIENCE);
        drop(stream);
    });
    (port, done)
}

// --- Os passos do servidor ---------------------------------------------------

#[test]
fn passo_1_servidor_conversa_com_o_cliente_das_notas() {
    if !has_python() {
        return;
    }
    let server = start_step("tcp_servidor_1_erros", &[]);
    assert_eq!(
        notes_client(server.port(), "ola mundo\n"),
        "Input lowercase sentence:From Server: b'OLA MUNDO'\n"
    );
}

#[test]
fn passo_1_servidor_segue_depois_de_um_cliente_que_derruba_a_conexao() {
    let server = start_step("tcp_servidor_1_erros", &[]);
    // Um cliente que conecta e derruba a conexão (RST, com SO_LINGER 0)
    // antes de mandar: no passo 0 o `?` do `read` encerraria o servidor.
    let stream = connect_tcp(&server);
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
    assert!(
        server.wait_for_log("conexão interrompida"),
        "{:?}",
        server.log()
    );
    // O passo 0 do cliente (as notas em Rust) ainda é atendido.
    let mut command = Command::new(example("tcp_cliente_notas"));
    command.args(["127.0.0.1", &server.port().to_string()]);
    let output = run_command(command, b"ainda aqui\n");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        "Input lowercase sentence:From Server: AINDA AQUI\n"
    );
}

#[test]
fn passo_2_servidor_devolve_tudo_ate_o_cliente_fechar() {
    if is_stub("tcp_servidor_2_eco") {
        return;
    }
    let server = start_step("tcp_servidor_2_eco", &[]);
    // 5000 letras, mais que o recv(1024) das notas: voltam todas, e um `ç`
    // cortado entre duas escritas volta inteiro.
    let sentence = "b".repeat(5000);
    let output = client_step(
        "tcp_cliente_1_ate_o_fim",
        server.port(),
        &[],
        format!("{sentence}\n").as_bytes(),
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        format!(
            "Input lowercase sentence:From Server: {}\n",
            "B".repeat(5000)
        )
    );
    assert!(server.wait_for_log("conexão encerrada pelo cliente (5000 bytes)"));

    let mut stream = connect_tcp(&server);
    let bytes = "ação".as_bytes();
    stream.write_all(&bytes[..2]).unwrap();
    assert!(server.wait_for_log(": conexão aberta"));
    thread::sleep(Duration::from_millis(50));
    stream.write_all(&bytes[2..]).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(read_until_close(&mut stream), "AÇÃO".as_bytes());
}

#[test]
fn passo_2_servidor_conversa_com_o_cliente_das_notas() {
    if is_stub("tcp_servidor_2_eco") || !has_python() {
        return;
    }
    let server = start_step("tcp_servidor_2_eco", &[]);
    assert_eq!(
        notes_client(server.port(), "ola mundo\n"),
        "Input lowercase sentence:From Server: b'OLA MUNDO'\n"
    );
}

#[test]
fn passo_3_servidor_atende_outro_cliente_enquanto_um_esta_parado() {
    if is_stub("tcp_servidor_3_threads") {
        return;
    }
    let server = start_step("tcp_servidor_3_threads", &[]);
    // O primeiro conecta e não manda nada: no passo 2, todos esperariam.
    let _quiet = connect_tcp(&server);
    assert!(server.wait_for_log("conexão aberta"));
    let output = client_step("tcp_cliente_1_ate_o_fim", server.port(), &[], b"oi\n");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        "Input lowercase sentence:From Server: OI\n"
    );
    if has_python() {
        assert_eq!(
            notes_client(server.port(), "ola\n"),
            "Input lowercase sentence:From Server: b'OLA'\n"
        );
    }
}

#[test]
fn passo_4_servidor_recusa_acima_do_limite_com_um_aviso() {
    if is_stub("tcp_servidor_4_limites") {
        return;
    }
    let server = start_step("tcp_servidor_4_limites", &["1", "300"]);
    let mut occupied = connect_tcp(&server);
    occupied.write_all(b"um").unwrap();
    assert_eq!(read_n(&mut occupied, 2), b"UM");
    // O passo 3 do cliente vê o aviso como resposta...
    let output = client_step(
        "tcp_cliente_3_linhas",
        server.port(),
        &["5"],
        b"quero entrar\n",
    );
    assert!(
        output
            .stdout_text()
            .contains("ERRO: servidor lotado (o limite é 1)"),
        "{}",
        output.stdout_text()
    );
    // ...e o passo final diz que foi recusado, na saída de erro.
    let port = server.port().to_string();
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &port, "quero entrar"],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert!(
        output.stderr.contains("servidor lotado"),
        "{}",
        output.stderr
    );
    // Quando a vaga abre, o próximo entra.
    drop(occupied);
    assert!(server.wait_for_log("conexão encerrada pelo cliente (2 bytes)"));
    assert_eq!(exchange(&server, b"agora sim"), b"AGORA SIM");
}

#[test]
fn passo_4_servidor_fecha_a_conexao_parada() {
    if is_stub("tcp_servidor_4_limites") {
        return;
    }
    let server = start_step("tcp_servidor_4_limites", &["10", "1"]);
    let mut stream = connect_tcp(&server);
    stream.write_all(b"oi").unwrap();
    assert_eq!(read_n(&mut stream, 2), b"OI");
    // Sem mandar mais nada: o servidor fecha, e a leitura vê o fim.
    assert!(read_until_close(&mut stream).is_empty());
    assert!(
        server.wait_for_log("conexão fechada, parada por mais de 1 s"),
        "{:?}",
        server.log()
    );
    if has_python() {
        assert_eq!(
            notes_client(server.port(), "ola\n"),
            "Input lowercase sentence:From Server: b'OLA'\n"
        );
    }
}

#[test]
fn passo_final_servidor_conversa_com_o_cliente_das_notas_e_com_o_passo_3() {
    let server = Server::start("tcp-echo", &[]);
    if has_python() {
        assert_eq!(
            notes_client(server.port(), "ola mundo\n"),
            "Input lowercase sentence:From Server: b'OLA MUNDO'\n"
        );
    }
    let output = client_step(
        "tcp_cliente_3_linhas",
        server.port(),
        &["5"],
        "primeira\nsegunda ação\n".as_bytes(),
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "PRIMEIRA\nSEGUNDA AÇÃO\n");
}

// --- Os passos do cliente ----------------------------------------------------

#[test]
fn passo_1_cliente_conversa_com_o_servidor_das_notas() {
    if !has_python() {
        return;
    }
    let server = NotesServer::start();
    let output = client_step("tcp_cliente_1_ate_o_fim", server.port, &[], b"ola mundo\n");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        "Input lowercase sentence:From Server: OLA MUNDO\n"
    );
}

#[test]
fn passo_2_cliente_desiste_de_um_servidor_que_nao_responde() {
    // Aceita a conexão (o sistema faz o handshake) e nunca responde.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let output = client_step("tcp_cliente_2_timeout", port, &["0.5"], b"oi\n");
    drop(listener);
    assert!(!output.status.success());
    assert!(
        output.stderr.contains("o servidor não respondeu em 500ms"),
        "{}",
        output.stderr
    );
    if has_python() {
        let server = NotesServer::start();
        let output = client_step("tcp_cliente_2_timeout", server.port, &["5"], b"ola\n");
        assert!(output.status.success(), "{}", output.stderr);
        assert_eq!(
            output.stdout_text(),
            "Input lowercase sentence:From Server: OLA\n"
        );
    }
}

#[test]
fn passo_3_cliente_manda_um_mebibyte_em_linhas_sem_travar() {
    if is_stub("tcp_servidor_3_threads") {
        return;
    }
    let server = start_step("tcp_servidor_3_threads", &[]);
    // 1 MiB em linhas: mais que os buffers dos dois lados juntos na
    // loopback. Quem só lesse depois de mandar tudo travaria.
    let line = b"abcdefghijklmno\n";
    let input: Vec<u8> = line.iter().copied().cycle().take(1024 * 1024).collect();
    let output = client_step("tcp_cliente_3_linhas", server.port(), &["5"], &input);
    assert!(output.status.success(), "{}", output.stderr);
    assert!(
        output.stdout == input.to_ascii_uppercase(),
        "a resposta difere"
    );
}

#[test]
fn passo_3_cliente_conversa_com_o_servidor_das_notas_e_desiste_de_quem_nao_fecha() {
    if has_python() {
        let server = NotesServer::start();
        let output = client_step("tcp_cliente_3_linhas", server.port, &["5"], b"ola\n");
        assert!(output.status.success(), "{}", output.stderr);
        assert_eq!(output.stdout_text(), "OLA\n");
    }
    let (port, _hold) = never_closing_server();
    let output = client_step("tcp_cliente_3_linhas", port, &["0.5"], b"um\ndois\n");
    assert!(!output.status.success());
    assert_eq!(output.stdout_text(), "UM\nDOIS\n");
    assert!(output.stderr.contains("não respondeu"), "{}", output.stderr);
}

// O passo final é o `tcp-echo cliente`: as pontas soltas do passo 3.

#[test]
fn passo_final_cliente_nao_espera_para_sempre_um_servidor_que_nao_fecha() {
    let (port, _hold) = never_closing_server();
    let port = port.to_string();
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &port, "--timeout", "0.5"],
        b"um\ndois\n",
    );
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "UM\nDOIS\n");
    assert!(
        output.stderr.contains("o servidor não fechou a conexão"),
        "{}",
        output.stderr
    );
}

#[test]
fn passo_final_cliente_devolve_os_bytes_exatos_da_entrada() {
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    // Bytes sem letras (voltam iguais), sem quebra de linha no fim.
    let input: Vec<u8> = (0u8..=64).cycle().take(100_000).collect();
    let output = run("tcp-echo", &["cliente", "--porta", &port], &input);
    assert!(output.status.success(), "{}", output.stderr);
    assert!(
        output.stdout == input,
        "a saída não é byte a byte a resposta"
    );
    // Com a frase na linha de comando, a resposta é uma linha de texto.
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &port, "sem quebra"],
        b"",
    );
    assert_eq!(output.stdout_text(), "SEM QUEBRA\n");
}

#[test]
fn passo_final_cliente_com_a_entrada_fechada_diz_que_nada_foi_enviado() {
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    // `<&-` fecha a entrada padrão antes de o cliente começar.
    let mut command = Command::new("sh");
    command.args([
        "-c",
        "exec \"$0\" cliente --porta \"$1\" <&-",
        &avaliacao::binary("tcp-echo").to_string_lossy(),
        &port,
    ]);
    let output = run_command(command, b"");
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert!(
        output.stderr.contains("nada foi enviado"),
        "{}",
        output.stderr
    );
}

#[test]
fn passo_final_cliente_conversa_com_o_servidor_das_notas_e_com_o_passo_4() {
    if has_python() {
        let server = NotesServer::start();
        let port = server.port.to_string();
        let output = run(
            "tcp-echo",
            &["cliente", "--porta", &port, "olá", "notas"],
            b"",
        );
        assert!(output.status.success(), "{}", output.stderr);
        // O bytes.upper() do Python só muda as letras ASCII.
        assert_eq!(output.stdout_text(), "OLá NOTAS\n");
    }
    if is_stub("tcp_servidor_4_limites") {
        return;
    }
    let server = start_step("tcp_servidor_4_limites", &["10", "300"]);
    let port = server.port().to_string();
    let output = run("tcp-echo", &["cliente", "--porta", &port], b"um\ndois\n");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "UM\nDOIS\n");
}
