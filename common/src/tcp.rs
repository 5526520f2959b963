//! Os sockets TCP (`SOCK_STREAM`), feitos com socket2.
//!
//! Nas notas, o servidor faz `socket`, `bind`, `listen(1)` e `accept`; o cliente
//! faz `socket` e `connect`. Aqui os mesmos passos aparecem um a um, com cada
//! opção explícita.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

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
    let fail = |err: io::Error| crate::error::tcp_listen_failed(address, &err);
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
/// Sem o tempo-limite, um `connect` para um IP que não responde esperaria
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

// ANCHOR: accept_timeout
/// Faz o `accept` desistir depois de `timeout` sem conexão nova (com o erro
/// `WouldBlock`), em vez de esperar para sempre. É a opção `SO_RCVTIMEO` no
/// socket de escuta: no Linux ela vale também para o `accept`. O servidor usa
/// isso para uma thread parada à toa perceber que pode terminar. Em sistemas
/// onde a opção não vale para o `accept`, ele só espera para sempre, como antes.
pub fn set_accept_timeout(listener: &TcpListener, timeout: Duration) -> io::Result<()> {
    SockRef::from(listener).set_read_timeout(Some(timeout))
}
// ANCHOR_END: accept_timeout

// ANCHOR: close_gently
/// Fecha uma conexão sem RST, gastando no máximo `limit` ao todo.
///
/// Fechar um socket com bytes recebidos e ainda não lidos faz o sistema
/// mandar RST ("cancelar") em vez de FIN ("terminei"), e o outro lado pode
/// perder o que ainda não tinha lido (um aviso, o fim de uma resposta). Por
/// isso: avisa que terminou de enviar (`shutdown`, que manda o FIN depois dos
/// dados pendentes) e lê, jogando fora, o que o outro lado ainda mandar, até
/// ele fechar também ou o tempo acabar. O limite vale para o total, não para
/// cada leitura: um cliente que manda um byte de vez em quando não prende a
/// conexão (e a thread que fecha) por mais que `limit`.
pub fn close_gently(stream: TcpStream, limit: Duration) {
    let deadline = Instant::now() + limit;
    let _ = stream.shutdown(Shutdown::Write);
    let mut discard = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match (&stream).read(&mut discard) {
            Ok(0) => return,
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
    // Ao sair, `stream` é destruído: o `close`.
}
// ANCHOR_END: close_gently

/// Quantos bytes já enviados o outro lado ainda não confirmou (o `ioctl`
/// `SIOCOUTQ`, feito no crate `sistema`; fora do Linux, `None`). Depois de
/// um tempo esgotado, diz quem parou: se sobrou coisa na fila de envio, o
/// outro lado parou de **ler** as respostas; se não, ele só parou de mandar.
pub fn unsent_bytes(stream: &TcpStream) -> Option<usize> {
    sistema::unsent_bytes(stream)
}

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
        // No Linux, a mensagem sabe que há um servidor escutando na porta.
        if cfg!(target_os = "linux") {
            assert!(err.contains("escuta nessa porta; encerre-o"), "{err}");
        }
    }

    /// Deixa a porta de um servidor **sem** `SO_REUSEADDR` (como o das notas)
    /// presa em `TIME_WAIT`: o servidor fecha a conexão primeiro e para de
    /// escutar. Devolve o endereço. (O `TcpListener::bind` do std liga
    /// `SO_REUSEADDR` sozinho fora do Windows; por isso o socket2 aqui.)
    #[cfg(target_os = "linux")]
    fn port_in_time_wait_without_reuseaddr() -> SocketAddr {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        assert!(!socket.reuse_address().unwrap());
        socket
            .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        socket.listen(1).unwrap();
        let listener: TcpListener = socket.into();
        let address = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(address).unwrap();
        let (server_side, _) = listener.accept().unwrap();
        drop(server_side); // o servidor fecha primeiro (FIN)...
        drop(listener); // ...e para de escutar
        client
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(client.read(&mut [0u8; 1]).unwrap(), 0, "o FIN do servidor");
        drop(client); // o FIN do cliente leva o lado do servidor a TIME_WAIT
        let deadline = Instant::now() + Duration::from_secs(5);
        while crate::error::tcp_port_holder(address.port()) != crate::error::PortHolder::TimeWait {
            assert!(Instant::now() < deadline, "a porta não chegou a TIME_WAIT");
            std::thread::sleep(Duration::from_millis(10));
        }
        address
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn porta_presa_em_time_wait_sem_reuseaddr_pede_para_esperar() {
        let address = port_in_time_wait_without_reuseaddr();
        // Nem com SO_REUSEADDR no novo socket: o Linux exige a opção nos dois.
        let err = listen(address, 16).unwrap_err().to_string();
        assert!(err.contains("já está em uso"), "{err}");
        assert!(
            err.contains("nenhum programa escuta nessa porta")
                && err.contains("TIME_WAIT")
                && err.contains("espere até um minuto"),
            "{err}"
        );
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
