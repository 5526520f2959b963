//! O socket UDP (`SOCK_DGRAM`), feito com socket2.
//!
//! Nas notas: `socket(AF_INET, SOCK_DGRAM)` e `serverSocket.bind(('', 12000))`.
//! Aqui cada passo e cada opção aparecem por extenso.

use std::io;
use std::mem::MaybeUninit;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use crate::Error;

// ANCHOR: max_datagram
/// O maior datagrama UDP que cabe em um pacote IP é de 65 507 bytes (IPv4) ou
/// 65 527 bytes (IPv6); um buffer de 64 KiB recebe qualquer um deles inteiro.
/// O `recvfrom(2048)` das notas cortaria em silêncio tudo além de 2048 bytes.
pub const MAX_DATAGRAM: usize = 64 * 1024;
// ANCHOR_END: max_datagram

// ANCHOR: udp_bind
/// Cria um socket UDP e o liga (`bind`) a `address`.
///
/// - Porta 0 pede ao sistema uma porta livre; [`UdpSocket::local_addr`] diz qual.
/// - **Sem `SO_REUSEADDR`**: em UDP, no Linux, essa opção deixaria dois
///   servidores ligarem na mesma porta ao mesmo tempo, e os datagramas seriam
///   divididos entre eles. Sem ela, o segundo servidor recebe "endereço em uso",
///   que é o que queremos.
/// - Em IPv6, `IPV6_V6ONLY` é desligado de propósito: um servidor em `::`
///   atende também clientes IPv4 (que aparecem como `::ffff:127.0.0.1`), onde o
///   sistema permite. O padrão varia entre sistemas, por isso é explícito.
pub fn bind(address: SocketAddr) -> Result<UdpSocket, Error> {
    let fail = |err: io::Error| Error::io(format!("não foi possível usar {address} (UDP)"), &err);
    // ANCHOR: udp_socket_new
    let socket = Socket::new(
        Domain::for_address(address),
        Type::DGRAM,
        Some(Protocol::UDP),
    )
    .map_err(fail)?;
    // ANCHOR: udp_only_v6
    // ANCHOR_END: udp_socket_new
    if address.is_ipv6() {
        socket.set_only_v6(false).map_err(fail)?;
    }
    // ANCHOR: udp_bind_call
    // ANCHOR_END: udp_only_v6
    socket.bind(&address.into()).map_err(fail)?;
    Ok(socket.into())
    // ANCHOR_END: udp_bind_call
}
// ANCHOR_END: udp_bind

// ANCHOR: client_socket
/// Cria o socket de um cliente: ligado a uma porta livre qualquer da família
/// (IPv4 ou IPv6) do servidor. O Python das notas faz isso sozinho no primeiro
/// `sendto`; aqui o passo é visível.
pub fn client_socket(server: SocketAddr) -> Result<UdpSocket, Error> {
    let any: SocketAddr = if server.is_ipv4() {
        (std::net::Ipv4Addr::UNSPECIFIED, 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    bind(any)
}
// ANCHOR_END: client_socket

// ANCHOR: read_timeout
/// Quanto tempo `recv_from` espera antes de desistir (`SO_RCVTIMEO`).
/// Sem isso, um cliente UDP cuja mensagem se perdeu esperaria para sempre.
pub fn set_read_timeout(socket: &UdpSocket, timeout: Duration) -> io::Result<()> {
    SockRef::from(socket).set_read_timeout(Some(timeout))
}
// ANCHOR_END: read_timeout

// ANCHOR: recv_from
/// Um datagrama recebido: quantos bytes, de quem, e se foi cortado.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    /// Quantos bytes foram escritos no buffer.
    pub len: usize,
    /// O endereço (IP e porta) de quem enviou: é para lá que se responde.
    pub from: SocketAddr,
    /// Verdadeiro se o datagrama era maior que o buffer e o resto se perdeu.
    pub truncated: bool,
}

/// O `recvfrom` das notas, mas que **avisa** quando o datagrama não coube no
/// buffer (`MSG_TRUNC`), em vez de cortá-lo em silêncio.
pub fn recv_from(socket: &UdpSocket, buffer: &mut [u8]) -> io::Result<Datagram> {
    // SAFETY: `[u8]` e `[MaybeUninit<u8>]` têm o mesmo layout, e o socket2 só
    // escreve bytes inicializados no buffer; nada aqui "desinicializa" bytes.
    let uninit = unsafe { &mut *(buffer as *mut [u8] as *mut [MaybeUninit<u8>]) };
    let mut slices = [socket2::MaybeUninitSlice::new(uninit)];
    // ANCHOR: recv_call
    let (len, flags, from) = SockRef::from(socket).recv_from_vectored(&mut slices)?;
    let from = from
        .as_socket()
        .ok_or_else(|| io::Error::other("datagrama de um endereço que não é IP"))?;
    Ok(Datagram {
        len,
        from,
        truncated: flags.is_truncated(),
    })
    // ANCHOR_END: recv_call
}
// ANCHOR_END: recv_from

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrama_maior_que_o_buffer_e_marcado_como_truncado() {
        let server = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let client = client_socket(server.local_addr().unwrap()).unwrap();
        client
            .send_to(&[b'a'; 100], server.local_addr().unwrap())
            .unwrap();
        client.send_to(b"oi", server.local_addr().unwrap()).unwrap();
        set_read_timeout(&server, Duration::from_secs(5)).unwrap();

        let mut small = [0u8; 10];
        let first = recv_from(&server, &mut small).unwrap();
        assert_eq!(first.len, 10);
        assert!(first.truncated);
        assert_eq!(first.from.port(), client.local_addr().unwrap().port());

        let second = recv_from(&server, &mut small).unwrap();
        assert_eq!((second.len, second.truncated), (2, false));
        assert_eq!(&small[..2], b"oi");
    }

    #[test]
    fn segundo_servidor_na_mesma_porta_falha() {
        let first = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let err = bind(first.local_addr().unwrap()).unwrap_err().to_string();
        assert!(err.contains("já está em uso"), "{err}");
    }

    #[test]
    fn servidor_ipv6_atende_cliente_ipv4() {
        let Ok(server) = bind("[::]:0".parse().unwrap()) else {
            eprintln!("IPv6 indisponível nesta máquina; teste ignorado");
            return;
        };
        let port = server.local_addr().unwrap().port();
        let client = client_socket("127.0.0.1:1".parse().unwrap()).unwrap();
        client.send_to(b"v4", ("127.0.0.1", port)).unwrap();
        set_read_timeout(&server, Duration::from_secs(5)).unwrap();
        let mut buffer = [0u8; 16];
        let datagram = recv_from(&server, &mut buffer).unwrap();
        assert_eq!(&buffer[..datagram.len], b"v4");
    }
}
