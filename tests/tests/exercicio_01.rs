//! Exercício 1: o laço do servidor UDP (`serve`, em `udp-echo/src/server.rs`).
//!
//! Roda o servidor de verdade e conversa com ele por um socket UDP comum.

use std::net::UdpSocket;

use avaliacao::{PATIENCE, Server};

fn ask(server: &Server, message: &[u8]) -> Vec<u8> {
    avaliacao::ask_udp(server, message)
}

#[test]
fn responde_em_maiusculas() {
    let server = Server::start("udp-echo", &[]);
    assert_eq!(ask(&server, b"hello world"), b"HELLO WORLD");
}

#[test]
fn responde_com_acentos() {
    let server = Server::start("udp-echo", &[]);
    assert_eq!(ask(&server, "ação não".as_bytes()), "AÇÃO NÃO".as_bytes());
}

#[test]
fn responde_muitos_datagramas_sem_parar() {
    let server = Server::start("udp-echo", &[]);
    for i in 0..50 {
        let message = format!("mensagem {i}");
        assert_eq!(
            ask(&server, message.as_bytes()),
            message.to_uppercase().as_bytes()
        );
    }
}

#[test]
fn cada_cliente_recebe_a_propria_resposta() {
    let server = Server::start("udp-echo", &[]);
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.set_read_timeout(Some(PATIENCE)).unwrap();
    b.set_read_timeout(Some(PATIENCE)).unwrap();
    a.send_to(b"de a", server.addr).unwrap();
    b.send_to(b"de b", server.addr).unwrap();
    let mut buffer = [0u8; 16];
    let (n, _) = b.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"DE B");
    let (n, _) = a.recv_from(&mut buffer).unwrap();
    assert_eq!(&buffer[..n], b"DE A");
}

#[test]
fn datagrama_vazio_e_bytes_invalidos_nao_derrubam_o_servidor() {
    let server = Server::start("udp-echo", &[]);
    assert_eq!(ask(&server, b""), b"");
    assert_eq!(ask(&server, b"a\xff\xfeb"), b"A\xff\xfeB");
    assert_eq!(ask(&server, b"continua"), b"CONTINUA");
}

#[test]
fn datagrama_grande_volta_inteiro() {
    let server = Server::start("udp-echo", &[]);
    let message = vec![b'x'; 60_000];
    assert_eq!(ask(&server, &message), vec![b'X'; 60_000]);
}
