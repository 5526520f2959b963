//! Interoperabilidade com os programas Python das notas (em `tests/python/`):
//! o cliente Python fala com o servidor Rust, e o cliente Rust com o servidor
//! Python. Sem `python3` na máquina, os testes avisam e não rodam.

use std::path::PathBuf;
use std::process::Command;

use avaliacao::{Server, run, run_command, workspace_root};

fn python(script: &str) -> Option<Command> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        avaliacao::skip("sem python3 nesta máquina");
        return None;
    }
    let path: PathBuf = workspace_root().join("tests/python").join(script);
    let mut command = Command::new("python3");
    command.arg(path);
    Some(command)
}

#[test]
fn cliente_udp_python_e_servidor_rust() {
    let Some(mut client) = python("udp_cliente.py") else {
        return;
    };
    let server = Server::start("udp-echo", &[]);
    client.args(["127.0.0.1", &server.port().to_string()]);
    let output = run_command(client, "olá do python\n".as_bytes());
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        "Input lowercase sentence:OLÁ DO PYTHON\n"
    );
}

#[test]
fn cliente_tcp_python_e_servidor_rust() {
    let Some(mut client) = python("tcp_cliente.py") else {
        return;
    };
    let server = Server::start("tcp-echo", &[]);
    client.args(["127.0.0.1", &server.port().to_string()]);
    let output = run_command(client, "conexão do python\n".as_bytes());
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        "Input lowercase sentence:From Server: CONEXÃO DO PYTHON\n"
    );
}

#[test]
fn cliente_udp_rust_e_servidor_python() {
    let Some(mut server) = python("udp_servidor.py") else {
        return;
    };
    server.arg("0");
    let server = Server::spawn(server);
    let port = server.port().to_string();
    let output = run(
        "udp-echo",
        &["cliente", "--porta", &port, "olá", "python"],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLÁ PYTHON\n");
}

#[test]
fn cliente_tcp_rust_e_servidor_python() {
    let Some(mut server) = python("tcp_servidor.py") else {
        return;
    };
    server.arg("0");
    let server = Server::spawn(server);
    let port = server.port().to_string();
    for sentence in ["primeira conexão", "segunda conexão"] {
        let output = run("tcp-echo", &["cliente", "--porta", &port, sentence], b"");
        assert!(output.status.success(), "{}", output.stderr);
        assert_eq!(
            output.stdout_text(),
            format!("{}\n", sentence.to_uppercase())
        );
    }
}
