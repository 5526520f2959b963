//! Exercício 2: o cliente UDP com tempo-limite e tentativas (`ask`, em
//! `udp-echo/src/client.rs`).
//!
//! O servidor aqui é de mentira, escrito no próprio teste: assim dá para
//! decidir quais datagramas ele "perde".

use std::net::UdpSocket;
use std::thread;
use std::time::Instant;

use avaliacao::{PATIENCE, assert_bytes_eq, run};

/// Um servidor que recebe `count` datagramas e responde (em maiúsculas) só
/// os que `answer` escolher, pelo número de ordem (1, 2, ...). Devolve a
/// porta e uma thread que, no fim, entrega os datagramas recebidos.
fn fake_server(count: usize, answer: fn(usize) -> bool) -> (u16, thread::JoinHandle<Vec<Vec<u8>>>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let port = socket.local_addr().unwrap().port();
    let handle = thread::spawn(move || {
        let mut received = Vec::new();
        let mut buffer = [0u8; 2048];
        for i in 1..=count {
            let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                break;
            };
            received.push(buffer[..n].to_vec());
            if answer(i) {
                socket
                    .send_to(&buffer[..n].to_ascii_uppercase(), from)
                    .unwrap();
            }
        }
        received
    });
    (port, handle)
}

#[test]
fn recebe_a_resposta_na_primeira_tentativa() {
    let (port, server) = fake_server(1, |_| true);
    let output = run(
        "udp-echo",
        &["cliente", "--porta", &port.to_string(), "olá"],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLá\n");
    assert_eq!(server.join().unwrap().len(), 1);
}

#[test]
fn reenvia_quando_a_resposta_nao_vem() {
    // O primeiro datagrama "se perde"; o segundo é respondido.
    let (port, server) = fake_server(2, |i| i == 2);
    let output = run(
        "udp-echo",
        &[
            "cliente",
            "--porta",
            &port.to_string(),
            "--timeout",
            "0.3",
            "de novo",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "DE NOVO\n");
    let received = server.join().unwrap();
    assert_eq!(received.len(), 2, "devia ter enviado 2 vezes");
    assert_bytes_eq(b"#1 de novo", &received[0], "o 1º datagrama enviado");
    assert_bytes_eq(b"#2 de novo", &received[1], "o 2º datagrama enviado");
}

#[test]
fn desiste_depois_das_tentativas_com_mensagem_clara() {
    let (port, server) = fake_server(3, |_| false);
    let started = Instant::now();
    let output = run(
        "udp-echo",
        &[
            "cliente",
            "--porta",
            &port.to_string(),
            "--timeout",
            "0.2",
            "--tentativas",
            "3",
            "oi",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert!(
        output.stderr.contains("nenhuma resposta"),
        "{}",
        output.stderr
    );
    assert!(
        output.stderr.contains("O UDP não garante a entrega"),
        "{}",
        output.stderr
    );
    assert!(
        output.stdout.is_empty(),
        "a saída padrão é só para a resposta"
    );
    assert_eq!(server.join().unwrap().len(), 3, "devia ter enviado 3 vezes");
    // Um aviso antes de cada reenvio (2 e 3), nenhum depois da última.
    let warnings: Vec<&str> = output
        .stderr
        .lines()
        .filter(|l| l.contains("enviando de novo"))
        .collect();
    assert!(
        warnings.len() == 2
            && warnings[0].contains("(tentativa 2 de 3)")
            && warnings[1].contains("(tentativa 3 de 3)"),
        "esperava dois avisos na saída de erro, \"...(tentativa 2 de 3)\" e \
         \"...(tentativa 3 de 3)\", e veio:\n{}",
        output.stderr
    );
    assert!(started.elapsed() >= std::time::Duration::from_millis(600));
    assert!(started.elapsed() < PATIENCE);
}
