//! Exercício 3: o eco TCP de uma conexão (`echo`, em `tcp-echo/src/server.rs`).
//!
//! O teste abre a conexão ele mesmo e chama `echo` do lado do servidor,
//! numa thread: só o exercício 3 está em jogo.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use avaliacao::{PATIENCE, read_n};

/// Uma conexão cujo lado do servidor é atendido por `echo`. A thread devolve
/// o que `echo` devolveu.
fn connection() -> (TcpStream, thread::JoinHandle<std::io::Result<u64>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (mut stream, client) = listener.accept().unwrap();
        tcp_echo::server::echo(&mut stream, client, Duration::from_secs(20))
    });
    let client = TcpStream::connect(address).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    (client, server)
}

#[test]
fn varias_linhas_na_mesma_conexao() {
    let (mut client, server) = connection();
    for line in ["primeira\n", "segunda linha\n", "ação!\n"] {
        client.write_all(line.as_bytes()).unwrap();
        assert_eq!(
            read_n(&mut client, line.len()),
            line.to_uppercase().as_bytes()
        );
    }
    client.shutdown(Shutdown::Write).unwrap();
    let total = server.join().unwrap().expect("echo devia terminar bem");
    assert_eq!(total, ("primeira\nsegunda linha\nação!\n").len() as u64);
}

#[test]
fn responde_sem_esperar_quebra_de_linha() {
    let (mut client, _server) = connection();
    client.write_all(b"sem quebra").unwrap();
    assert_eq!(read_n(&mut client, 10), b"SEM QUEBRA");
}

#[test]
fn termina_quando_o_cliente_fecha() {
    let (mut client, server) = connection();
    client.write_all(b"tchau").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).unwrap();
    assert_eq!(rest, b"TCHAU");
    assert_eq!(server.join().unwrap().unwrap(), 5);
}

#[test]
fn caractere_cortado_entre_duas_escritas() {
    let (mut client, server) = connection();
    let bytes = "ç".as_bytes();
    client.write_all(&bytes[..1]).unwrap();
    client.flush().unwrap();
    thread::sleep(Duration::from_millis(100));
    client.write_all(&bytes[1..]).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, "Ç".as_bytes());
    server.join().unwrap().unwrap();
}

#[test]
fn setenta_mil_bytes_voltam_inteiros() {
    let (client, server) = connection();
    let message: Vec<u8> = (0..70_000).map(|i| b'a' + (i % 26) as u8).collect();
    let expected = message.to_ascii_uppercase();
    let mut writer = client.try_clone().unwrap();
    let sender = thread::spawn(move || {
        writer.write_all(&message).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut reply = Vec::new();
    (&client).read_to_end(&mut reply).unwrap();
    sender.join().unwrap();
    assert!(reply == expected, "a resposta difere");
    assert_eq!(server.join().unwrap().unwrap(), 70_000);
}
