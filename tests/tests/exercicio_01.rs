//! Exercício 1: o laço do servidor UDP (`serve`, em `udp-echo/src/server.rs`).
//!
//! Roda o servidor de verdade e conversa com ele por um socket UDP comum.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use avaliacao::{Server, assert_bytes_eq, assert_udp_reply, receive_udp};

#[test]
fn responde_em_maiusculas() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"hello world", b"HELLO WORLD");
}

#[test]
fn responde_com_acentos() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, "ação não".as_bytes(), "AÇÃO NÃO".as_bytes());
}

#[test]
fn responde_muitos_datagramas_sem_parar() {
    let server = Server::start("udp-echo", &[]);
    for i in 0..50 {
        let message = format!("mensagem {i}");
        assert_udp_reply(
            &server,
            message.as_bytes(),
            message.to_uppercase().as_bytes(),
        );
    }
}

#[test]
fn cada_cliente_recebe_a_propria_resposta() {
    let server = Server::start("udp-echo", &[]);
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.send_to(b"de a", server.addr).unwrap();
    b.send_to(b"de b", server.addr).unwrap();
    let (reply, _) = receive_udp(&b, "a resposta ao cliente b, que mandou \"de b\"");
    assert_bytes_eq(b"DE B", &reply, "o cliente b mandou \"de b\"");
    let (reply, _) = receive_udp(&a, "a resposta ao cliente a, que mandou \"de a\"");
    assert_bytes_eq(b"DE A", &reply, "o cliente a mandou \"de a\"");
}

#[test]
fn datagrama_vazio_e_bytes_invalidos_nao_derrubam_o_servidor() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"", b"");
    assert_udp_reply(&server, b"a\xff\xfeb", b"A\xff\xfeB");
    assert_udp_reply(&server, b"continua", b"CONTINUA");
}

#[test]
fn datagrama_grande_volta_inteiro() {
    let server = Server::start("udp-echo", &[]);
    let message = vec![b'x'; 60_000];
    assert_udp_reply(&server, &message, &vec![b'X'; 60_000]);
}

#[test]
fn erro_ao_enviar_a_resposta_nao_para_o_servidor() {
    // "ΐ" tem 2 bytes e, em maiúsculas, vira 3 caracteres com 6 bytes: a
    // resposta a 30 000 bytes dele teria 90 000, mais que o maior datagrama
    // UDP. O `send_to` falha (EMSGSIZE), e o servidor tem de seguir atendendo.
    let server = Server::start("udp-echo", &[]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let huge = "ΐ".repeat(15_000);
    socket.send_to(huge.as_bytes(), server.addr).unwrap();
    assert_udp_reply(&server, b"depois do erro", b"DEPOIS DO ERRO");
    assert!(
        server.is_alive(),
        "um erro ao enviar não pode parar o servidor (não use `?` no send_to)"
    );
}

/// Manda os datagramas `01` a `20`, na ordem, e devolve as respostas que
/// chegaram até a do `20`.
fn replies_until_the_last(server: &Server) -> Vec<String> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 1..=20 {
        socket
            .send_to(format!("{i:02}").as_bytes(), server.addr)
            .unwrap();
    }
    let mut replies = Vec::new();
    while replies.last().map(String::as_str) != Some("20") {
        let (reply, _) = receive_udp(
            &socket,
            &format!("a resposta ao datagrama 20 (vieram antes: {replies:?})"),
        );
        replies.push(String::from_utf8_lossy(&reply).into_owned());
    }
    replies
}

#[test]
fn perda_simulada_descarta_os_datagramas_sorteados() {
    // Com a semente 42 e 30 % de perda, o simulador sorteia perder estes
    // (o mesmo sorteio do teste `perda_simulada`); o 20 passa.
    let server = Server::start("udp-echo", &["--perda", "0.3", "--semente", "42"]);
    let replies = replies_until_the_last(&server);
    let expected = [
        "01", "04", "06", "08", "09", "10", "12", "13", "14", "15", "18", "20",
    ];
    assert!(
        replies == expected,
        "com --perda 0.3 --semente 42, o servidor deve descartar os datagramas \
         02, 03, 05, 07, 11, 16, 17 e 19 (pergunte a `simulator.lose()` uma vez \
         por datagrama, antes de responder)\n  respostas esperadas: {expected:?}\n  \
         respostas que vieram: {replies:?}"
    );
}

#[test]
fn atraso_simulado_segura_a_resposta() {
    let server = Server::start("udp-echo", &["--atraso", "300ms"]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sent = Instant::now();
    socket.send_to(b"devagar", server.addr).unwrap();
    let (reply, _) = receive_udp(&socket, "a resposta atrasada a \"devagar\"");
    let waited = sent.elapsed();
    assert_bytes_eq(b"DEVAGAR", &reply, "enviado \"devagar\" com --atraso 300ms");
    assert!(
        waited >= Duration::from_millis(300),
        "com --atraso 300ms, a resposta veio em {} ms: quando `simulator.delay()` \
         devolve um atraso, a resposta sai por `simulator.send_later`",
        waited.as_millis()
    );
}
