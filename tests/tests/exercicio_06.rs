//! Exercício 6: opções do socket de escuta (`set_listener_options`, chamada
//! por `listen`, em `common/src/tcp.rs`), vistas de fora com o socket2.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use avaliacao::PATIENCE;
use common::tcp::listen;
use socket2::SockRef;

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

#[cfg(unix)]
#[test]
fn so_reuseaddr_esta_ligado() {
    let listener = listen(loopback(), 16).unwrap();
    assert!(SockRef::from(&listener).reuse_address().unwrap());
}

#[test]
fn servidor_em_ipv6_aceita_ipv4() {
    if TcpListener::bind("[::1]:0").is_err() {
        return avaliacao::skip("sem IPv6 nesta máquina");
    }
    let listener = listen("[::]:0".parse().unwrap(), 16).unwrap();
    assert!(
        !SockRef::from(&listener).only_v6().unwrap(),
        "IPV6_V6ONLY devia estar desligado"
    );
    let port = listener.local_addr().unwrap().port();
    let address: SocketAddr = ([127, 0, 0, 1], port).into();
    let mut client = TcpStream::connect_timeout(&address, PATIENCE).unwrap_or_else(|err| {
        panic!(
            "um cliente IPv4 (127.0.0.1) não conseguiu conectar ao servidor em [::]: {err}; \
             IPV6_V6ONLY devia estar desligado"
        )
    });
    let (mut server_side, _) = listener.accept().unwrap();
    server_side.set_read_timeout(Some(PATIENCE)).unwrap();
    client.write_all(b"v4").unwrap();
    let mut buffer = [0u8; 2];
    if let Err(err) = server_side.read_exact(&mut buffer) {
        panic!(
            "o servidor não recebeu os 2 bytes do cliente IPv4 em {} s: {err}",
            PATIENCE.as_secs()
        );
    }
    assert_eq!(&buffer, b"v4");
}

#[test]
fn reinicia_na_mesma_porta_mesmo_com_time_wait() {
    let listener = listen(loopback(), 16).unwrap();
    let address = listener.local_addr().unwrap();
    let client = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
    let (server_side, _) = listener.accept().unwrap();
    // Quem fecha primeiro fica em TIME_WAIT: aqui, o lado do servidor.
    drop(server_side);
    drop(listener);
    drop(client);
    assert!(
        listen(address, 16).is_ok(),
        "sem SO_REUSEADDR, o bind falharia"
    );
}

#[test]
fn dois_servidores_na_mesma_porta_continuam_proibidos() {
    let first = listen(loopback(), 16).unwrap();
    let Err(err) = listen(first.local_addr().unwrap(), 16) else {
        panic!(
            "um segundo servidor conseguiu escutar na mesma porta: não ligue SO_REUSEPORT \
             (set_reuse_port)"
        );
    };
    assert!(err.to_string().contains("já está em uso"), "{err}");
}
