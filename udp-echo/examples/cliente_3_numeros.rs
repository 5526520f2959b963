//! Passo 3 do cliente UDP: cada tentativa leva o seu número (`#2 olá`), e o
//! servidor o devolve junto; assim o cliente reconhece a resposta atrasada
//! de uma tentativa anterior.
//!
//!     cargo run -p udp-echo --example cliente_3_numeros -- 127.0.0.1 12000

use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use common::Error;

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
    let client_socket = UdpSocket::bind("0.0.0.0:0")?;
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
        // ANCHOR: send
        socket
            .send_to(&numbered(attempt, message), server)
            .map_err(|e| Error::io(format!("não foi possível enviar para {server}"), &e))?;
        if let Some(reply) = wait_reply(socket, attempt)? {
            // ANCHOR_END: send
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

/// Espera uma resposta até o tempo-limite do socket: `Ok(None)` quando ele
/// passa sem nada chegar.
// ANCHOR: wait
fn wait_reply(socket: &UdpSocket, attempt: u32) -> Result<Option<Vec<u8>>, Error> {
    let mut buffer = [0u8; 2048];
    match socket.recv_from(&mut buffer) {
        Ok((n, _server_address)) => Ok(Some(unnumbered(&buffer[..n], attempt))),
        // ANCHOR_END: wait
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(None)
        }
        Err(err) => Err(Error::io("não foi possível receber a resposta", &err)),
    }
}

// ANCHOR: sequence
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
// ANCHOR_END: sequence
