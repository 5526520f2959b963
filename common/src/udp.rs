//! O socket UDP (`SOCK_DGRAM`), feito com socket2.
//!
//! Nas notas: `socket(AF_INET, SOCK_DGRAM)` e `serverSocket.bind(('', 12000))`.
//! Aqui cada passo e cada opção aparecem por extenso.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

use crate::Error;

// ANCHOR: max_datagram
/// O maior datagrama UDP que cabe em um pacote IP é de 65 507 bytes (IPv4) ou
/// 65 527 bytes (IPv6); um buffer de 64 KiB recebe qualquer um deles inteiro.
/// O `recvfrom(2048)` das notas cortaria em silêncio tudo além de 2048 bytes.
pub const MAX_DATAGRAM: usize = 64 * 1024;
// ANCHOR_END: max_datagram

// ANCHOR: max_payload
/// O máximo de dados num datagrama UDP sobre IPv4: 65 535 (o maior pacote IP)
/// menos 20 bytes do cabeçalho IP e 8 do cabeçalho UDP.
pub const MAX_PAYLOAD_IPV4: usize = 65_507;

/// O mesmo sobre IPv6: 65 535 menos os 8 bytes do cabeçalho UDP (o cabeçalho
/// IPv6 fica fora da conta do tamanho).
pub const MAX_PAYLOAD_IPV6: usize = 65_527;

/// O máximo de dados num datagrama para `address` (IPv4 ou IPv6). Um endereço
/// IPv4 escrito como IPv6 (`::ffff:127.0.0.1`) conta como IPv4: o pacote sai
/// em IPv4.
pub fn max_payload(address: SocketAddr) -> usize {
    if address.ip().to_canonical().is_ipv4() {
        MAX_PAYLOAD_IPV4
    } else {
        MAX_PAYLOAD_IPV6
    }
}
// ANCHOR_END: max_payload

// ANCHOR: udp_bind
/// Cria um socket UDP e o liga (`bind`) a `address`.
///
/// - Porta 0 pede ao sistema uma porta livre; [`UdpSocket::local_addr`] diz qual.
/// - **Sem `SO_REUSEADDR`**: em UDP, no Linux, essa opção (ligada nos dois)
///   deixaria dois servidores ligarem na mesma porta ao mesmo tempo, e o mais
///   novo receberia **todos** os datagramas (de um endereço comum; só
///   `SO_REUSEPORT` os reparte): o mais antigo ficaria mudo, sem erro nenhum.
///   Sem ela, o segundo servidor recebe "endereço em uso", que é o que queremos.
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
    // ANCHOR_END: udp_socket_new
    if address.is_ipv6() {
        socket.set_only_v6(false).map_err(fail)?;
    }
    // ANCHOR: udp_bind_call
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
///
/// Pela biblioteca padrão, e não pelo socket2: o sistema conta esse tempo em
/// microssegundos, e zero quer dizer "sem limite". O socket2 corta um resto
/// de espera menor que 1 µs para zero (uma espera sem fim); a biblioteca
/// padrão o arredonda para 1 µs, e recusa o zero com um erro.
pub fn set_read_timeout(socket: &UdpSocket, timeout: Duration) -> io::Result<()> {
    socket.set_read_timeout(Some(timeout))
}
// ANCHOR_END: read_timeout

// ANCHOR: recv_from
/// Um datagrama recebido: quantos bytes, de quem, e se pode ter sido cortado.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    /// Quantos bytes foram escritos no buffer.
    pub len: usize,
    /// O endereço (IP e porta) de quem enviou: é para lá que se responde.
    pub from: SocketAddr,
    /// Verdadeiro se o datagrama encheu um buffer menor que [`MAX_DATAGRAM`]:
    /// ele pode ter sido maior, e o resto se perdeu.
    pub truncated: bool,
}

/// O `recvfrom` das notas, que também diz se o datagrama pode ter sido cortado.
///
/// Com um buffer de [`MAX_DATAGRAM`] bytes nada é cortado: nenhum datagrama
/// UDP passa de 65 527 bytes. Com um buffer menor (os 2048 das notas), um
/// datagrama que ocupou o buffer inteiro pode ter perdido o resto, e o sistema
/// não avisa; por isso ele é marcado como `truncated`. (O Windows avisa, com
/// um erro: veja `recv_whole_then_cut`.)
pub fn recv_from(socket: &UdpSocket, buffer: &mut [u8]) -> io::Result<Datagram> {
    #[cfg(windows)]
    if buffer.len() < MAX_DATAGRAM {
        return recv_whole_then_cut(socket, buffer);
    }
    let (len, from) = socket.recv_from(buffer)?;
    Ok(Datagram {
        len,
        from,
        truncated: len == buffer.len() && buffer.len() < MAX_DATAGRAM,
    })
}
// ANCHOR_END: recv_from

/// No Windows, um datagrama maior que o buffer não volta cortado, como no
/// Linux e no macOS: o `recvfrom` enche o buffer, joga fora o resto e devolve
/// o erro WSAEMSGSIZE (10040), sem dizer de quem o datagrama veio. Por isso,
/// lá, um buffer pequeno recebe primeiro num de [`MAX_DATAGRAM`] bytes, onde
/// todo datagrama cabe, e o corte é feito aqui, igual ao dos outros sistemas.
#[cfg(windows)]
fn recv_whole_then_cut(socket: &UdpSocket, buffer: &mut [u8]) -> io::Result<Datagram> {
    let mut whole = vec![0u8; MAX_DATAGRAM];
    let (received, from) = socket.recv_from(&mut whole)?;
    let len = received.min(buffer.len());
    buffer[..len].copy_from_slice(&whole[..len]);
    Ok(Datagram {
        len,
        from,
        truncated: len == buffer.len(),
    })
}

/// O `recv_from` voltou sem datagrama porque a espera acabou: o tempo-limite
/// do socket passou ([`is_timeout`](crate::error::is_timeout)), ou um sinal,
/// como o Ctrl+C que o `ping` e o `bench` tratam, interrompeu a chamada
/// (`Interrupted`; quem chamou confere se foi o Ctrl+C e para).
pub fn wait_over(err: &io::Error) -> bool {
    crate::error::is_timeout(err) || err.kind() == io::ErrorKind::Interrupted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datagrama_que_enche_um_buffer_pequeno_e_marcado_como_truncado() {
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
    fn resto_de_espera_menor_que_um_microssegundo_nao_vira_espera_sem_fim() {
        let socket = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        // O `wait_reply` do cliente e o `listen` do ping passam o que resta do
        // prazo, que pode ser de uns poucos nanossegundos.
        set_read_timeout(&socket, Duration::from_nanos(300)).unwrap();
        // Para o sistema, zero é "sem limite", e aí `read_timeout` diz `None`.
        let kept = socket.read_timeout().unwrap();
        assert!(kept.is_some_and(|t| !t.is_zero()), "{kept:?}");
        let err = set_read_timeout(&socket, Duration::ZERO).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
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
