//! Passo 4 do cliente UDP: só a resposta que vem do servidor conta. Um
//! datagrama de outro endereço é ignorado, e a espera por ele não ganha mais
//! tempo: o tempo-limite vale para a tentativa inteira.
//!
//!     cargo run -p udp-echo --example cliente_4_remetente -- 127.0.0.1 12000

// ANCHOR: uses
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::Error;
use common::udp::MAX_DATAGRAM;
// ANCHOR_END: uses

/// Quanto esperar pela resposta: na loopback ela leva menos de um
/// milissegundo; numa rede ruim, algumas dezenas.
const TIMEOUT: Duration = Duration::from_secs(1);
/// Quantos envios antes de desistir.
const ATTEMPTS: u32 = 3;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let server = common::address::resolve_one(&server_name, server_port)?;
    // ANCHOR: socket
    let client_socket = common::udp::client_socket(server)?;
    // ANCHOR_END: socket
    common::udp::set_read_timeout(&client_socket, TIMEOUT)?;
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut message = String::new();
    io::stdin().read_line(&mut message)?;
    let message = message.trim_end_matches(['\r', '\n']).as_bytes();
    match ask(&client_socket, server, message) {
        Ok(modified_message) => println!("{}", String::from_utf8_lossy(&modified_message)),
        Err(err) => {
            eprintln!("erro: {err}");
            std::process::exit(1);
        }
    }
    Ok(())
}

/// Envia a mensagem e espera a resposta; sem resposta no tempo-limite,
/// envia de novo, até `ATTEMPTS` vezes.
fn ask(socket: &UdpSocket, server: SocketAddr, message: &[u8]) -> Result<Vec<u8>, Error> {
    // EXERCÍCIO 2: INÍCIO
    for attempt in 1..=ATTEMPTS {
        socket
            .send_to(&numbered(attempt, message), server)
            .map_err(|e| Error::io(format!("não foi possível enviar para {server}"), &e))?;
        // ANCHOR: ask_wait
        if let Some(reply) = wait_reply(socket, server, TIMEOUT, attempt)? {
            // ANCHOR_END: ask_wait
            return Ok(reply);
        }
        if attempt < ATTEMPTS {
            eprintln!(
                "sem resposta em {TIMEOUT:?}; enviando de novo (tentativa {} de {ATTEMPTS})",
                attempt + 1
            );
        }
    }
    Err(Error::new(format!(
        "nenhuma resposta de {server} depois de {ATTEMPTS} tentativa(s) de {TIMEOUT:?} cada. \
         O UDP não garante a entrega: o datagrama ou a resposta podem ter se \
         perdido, ou não há servidor escutando nessa porta."
    )))
    // EXERCÍCIO 2: FIM
}

// ANCHOR: wait
/// Espera uma resposta do servidor até o fim do `timeout`. Datagramas de
/// outros endereços são ignorados: qualquer um pode mandar um datagrama para
/// a nossa porta, e só o servidor responde à nossa pergunta.
fn wait_reply(
    socket: &UdpSocket,
    server: SocketAddr,
    timeout: Duration,
    attempt: u32,
) -> Result<Option<Vec<u8>>, Error> {
    // ANCHOR: deadline
    let deadline = Instant::now() + timeout;
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Ok(None);
        }
        common::udp::set_read_timeout(socket, remaining)
            .map_err(|e| Error::io("não foi possível ajustar o tempo-limite", &e))?;
        // ANCHOR_END: deadline
        // ANCHOR: from_server
        match common::udp::recv_from(socket, &mut buffer) {
            Ok(datagram) if same_host(datagram.from, server) => {
                if datagram.truncated {
                    eprintln!("aviso: a resposta era maior que {MAX_DATAGRAM} bytes e foi cortada");
                }
                return Ok(Some(unnumbered(&buffer[..datagram.len], attempt)));
            }
            Ok(datagram) => eprintln!("ignorando um datagrama de {}", datagram.from),
            // ANCHOR_END: from_server
            // ANCHOR: timeout_errors
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            // No Windows, "porta inalcançável" (ninguém escutando) volta aqui;
            // é mais uma resposta que não veio.
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(None),
            Err(err) => return Err(Error::io("não foi possível receber a resposta", &err)),
            // ANCHOR_END: timeout_errors
        }
    }
}
// ANCHOR_END: wait

/// A mensagem como vai no datagrama: `#2 olá mundo` na segunda tentativa. O
/// servidor devolve o número junto (dígitos não mudam em maiúsculas), e assim
/// sabemos a qual tentativa cada resposta pertence.
fn numbered(attempt: u32, message: &[u8]) -> Vec<u8> {
    let mut datagram = format!("#{attempt} ").into_bytes();
    datagram.extend_from_slice(message);
    datagram
}

/// Tira o número da resposta. Uma resposta a uma tentativa anterior chegou
/// atrasada (depois do tempo-limite dela): avisamos, e ela serve do mesmo
/// jeito, porque responde à mesma frase.
fn unnumbered(reply: &[u8], attempt: u32) -> Vec<u8> {
    // "#2 OLÁ": o número fica entre o '#' e o primeiro espaço.
    let tag = reply.iter().position(|&b| b == b' ').and_then(|space| {
        let digits = reply[..space].strip_prefix(b"#")?;
        let n: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        Some((n, &reply[space + 1..]))
    });
    match tag {
        Some((n, text)) if n <= attempt => {
            if n < attempt {
                eprintln!("(esta é a resposta da tentativa {n}, que chegou atrasada)");
            }
            text.to_vec()
        }
        _ => {
            eprintln!("aviso: a resposta não traz o número da tentativa; mostrando como veio");
            reply.to_vec()
        }
    }
}

// ANCHOR: same_host
/// O servidor em `::` (IPv6) responde a um cliente IPv4 pelo mesmo endereço,
/// às vezes escrito como `::ffff:127.0.0.1`; comparamos os dois na forma IPv4.
fn same_host(from: SocketAddr, server: SocketAddr) -> bool {
    from.ip().to_canonical() == server.ip().to_canonical() && from.port() == server.port()
        || server.ip().is_unspecified()
}
// ANCHOR_END: same_host
