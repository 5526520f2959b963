//! Os sockets TCP (`SOCK_STREAM`), feitos com socket2.
//!
//! Nas notas, o servidor faz `socket`, `bind`, `listen(1)` e `accept`; o cliente
//! faz `socket` e `connect`. Aqui os mesmos passos aparecem um a um, com cada
//! opção explícita.

use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use crate::Error;

// ANCHOR: tcp_listen
/// Cria o socket de escuta de um servidor TCP: `socket`, `bind` e `listen`.
///
/// - `SO_REUSEADDR` ligado: ao reiniciar o servidor, a porta ainda tem conexões
///   antigas em `TIME_WAIT` (por até 60 s no Linux), e sem a opção o `bind`
///   falharia com "Address already in use". Ela **não** deixa dois servidores
///   escutarem na mesma porta. No Windows a opção significa outra coisa
///   (permitiria "roubar" a porta de outro programa), por isso lá não a usamos.
/// - Em IPv6, `IPV6_V6ONLY` desligado: um servidor em `::` atende também IPv4.
/// - `backlog`: quantas conexões já completas (handshake feito) podem esperar
///   o `accept`. As notas usam 1; com uma turma inteira conectando ao mesmo
///   tempo, uma fila curta faz o sistema descartar SYNs, e o cliente só tenta
///   de novo depois de 1 s. O Linux limita o valor a `net.core.somaxconn`.
pub fn listen(address: SocketAddr, backlog: i32) -> Result<TcpListener, Error> {
    let fail = |err: io::Error| Error::io(format!("não foi possível usar {address} (TCP)"), &err);
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .map_err(fail)?;
    set_listener_options(&socket, address).map_err(fail)?;
    // ANCHOR: bind_listen
    socket.bind(&address.into()).map_err(fail)?;
    socket.listen(backlog).map_err(fail)?;
    // ANCHOR_END: bind_listen
    Ok(socket.into())
}
// ANCHOR_END: tcp_listen

// ANCHOR: listener_options
/// As opções do socket de escuta, antes do `bind` (veja [`listen`]).
fn set_listener_options(socket: &Socket, address: SocketAddr) -> io::Result<()> {
    // EXERCÍCIO 6: INÍCIO
    // ANCHOR: reuse_address
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    // ANCHOR_END: reuse_address
    // ANCHOR: tcp_only_v6
    if address.is_ipv6() {
        socket.set_only_v6(false)?;
    }
    // ANCHOR_END: tcp_only_v6
    Ok(())
    // EXERCÍCIO 6: FIM
}
// ANCHOR_END: listener_options

// ANCHOR: send_all
/// Escreve **todos** os bytes de `data`. Um `write` pode aceitar só uma parte
/// (o buffer de envio do sistema encheu, um sinal interrompeu a chamada); o
/// `send(sentence)` das notas ignora isso e pode mandar a frase pela metade.
/// É o que o `write_all` da biblioteca padrão faz, escrito por extenso.
pub fn send_all(writer: &mut impl Write, data: &[u8]) -> io::Result<()> {
    // EXERCÍCIO 4: INÍCIO
    let mut rest = data;
    while !rest.is_empty() {
        match writer.write(rest) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "a conexão não aceitou mais nenhum byte",
                ));
            }
            Ok(written) => rest = &rest[written..],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
    // EXERCÍCIO 4: FIM
}
// ANCHOR_END: send_all

// ANCHOR: tcp_connect
/// Conecta a um servidor (`connect`), tentando cada endereço da lista em ordem
/// e desistindo de cada um depois de `timeout`.
///
/// Sem o limite de tempo, um `connect` para um IP que não responde esperaria
/// os reenvios do SYN feitos pelo sistema: mais de 2 minutos no Linux.
pub fn connect(addresses: &[SocketAddr], timeout: Duration) -> Result<TcpStream, Error> {
    let mut last_error = Error::new("nenhum endereço para conectar");
    for &address in addresses {
        // ANCHOR: connect_timeout
        let attempt = Socket::new(
            Domain::for_address(address),
            Type::STREAM,
            Some(Protocol::TCP),
        )
        .and_then(|socket| {
            socket.connect_timeout(&address.into(), timeout)?;
            Ok(socket)
        });
        // ANCHOR_END: connect_timeout
        match attempt {
            Ok(socket) => {
                let stream: TcpStream = socket.into();
                configure_stream(&stream, Some(timeout))
                    .map_err(|e| Error::io("não foi possível configurar a conexão", &e))?;
                return Ok(stream);
            }
            Err(err) => {
                last_error = Error::io(format!("não foi possível conectar a {address}"), &err)
            }
        }
    }
    Err(last_error)
}
// ANCHOR_END: tcp_connect

// ANCHOR: configure_stream
/// Ajusta as opções de uma conexão já aberta (do lado do cliente ou do
/// servidor, depois do `accept`).
///
/// - `TCP_NODELAY` ligado: desliga o algoritmo de Nagle, que segura pedaços
///   pequenos esperando juntar mais dados. Em um eco, que manda uma frase e
///   espera a resposta, Nagle somado ao ACK atrasado do outro lado custa até
///   ~40 ms por troca.
/// - `SO_RCVTIMEO` e `SO_SNDTIMEO` (`timeout`): quanto tempo um `read` ou um
///   `write` pode ficar parado. Sem limite, um cliente que some sem fechar a
///   conexão prenderia uma thread do servidor para sempre.
pub fn configure_stream(stream: &TcpStream, timeout: Option<Duration>) -> io::Result<()> {
    let socket = SockRef::from(stream);
    socket.set_tcp_nodelay(true)?;
    socket.set_read_timeout(timeout)?;
    socket.set_write_timeout(timeout)?;
    Ok(())
}
// ANCHOR_END: configure_stream

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn cliente_e_servidor_trocam_bytes() {
        let listener = listen("127.0.0.1:0".parse().unwrap(), 16).unwrap();
        let address = listener.local_addr().unwrap();
        let mut client = connect(&[address], Duration::from_secs(5)).unwrap();
        let (mut server_side, _) = listener.accept().unwrap();
        configure_stream(&server_side, Some(Duration::from_secs(5))).unwrap();
        assert!(SockRef::from(&server_side).tcp_nodelay().unwrap());
        assert!(SockRef::from(&client).tcp_nodelay().unwrap());

        client.write_all(b"oi").unwrap();
        let mut buffer = [0u8; 2];
        server_side.read_exact(&mut buffer).unwrap();
        assert_eq!(&buffer, b"oi");
    }

    #[test]
    fn reinicio_nao_falha_por_time_wait() {
        // O servidor fecha primeiro: o lado dele fica em TIME_WAIT.
        let listener = listen("127.0.0.1:0".parse().unwrap(), 16).unwrap();
        let address = listener.local_addr().unwrap();
        let client = connect(&[address], Duration::from_secs(5)).unwrap();
        let (server_side, _) = listener.accept().unwrap();
        drop(server_side);
        drop(listener);
        drop(client);
        // Com SO_REUSEADDR, um novo servidor na mesma porta sobe na hora.
        assert!(listen(address, 16).is_ok());
    }

    #[test]
    fn dois_servidores_na_mesma_porta_nao_sobem() {
        let first = listen("127.0.0.1:0".parse().unwrap(), 16).unwrap();
        let err = listen(first.local_addr().unwrap(), 16)
            .unwrap_err()
            .to_string();
        assert!(err.contains("já está em uso"), "{err}");
    }

    #[test]
    fn conexao_recusada_e_explicada() {
        // Descobre uma porta livre e a fecha: ninguém escuta nela.
        let port = listen("127.0.0.1:0".parse().unwrap(), 1)
            .unwrap()
            .local_addr()
            .unwrap();
        let err = connect(&[port], Duration::from_secs(5))
            .unwrap_err()
            .to_string();
        assert!(err.contains("conexão recusada"), "{err}");
    }
}
