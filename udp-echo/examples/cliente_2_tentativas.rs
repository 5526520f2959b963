//! Passo 2 do cliente UDP: sem resposta no tempo-limite, manda de novo, até
//! 3 vezes, antes de desistir. A espera vai para uma função, `wait_reply`, e
//! as tentativas para outra, `ask`, como no `src/client.rs`.
//!
//!     cargo run -p udp-echo --example cliente_2_tentativas -- 127.0.0.1 12000

// ANCHOR: uses
use std::io::{self, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use common::Error;
// ANCHOR_END: uses

/// Quanto esperar pela resposta: na loopback ela leva menos de um
/// milissegundo; numa rede ruim, algumas dezenas.
const TIMEOUT: Duration = Duration::from_secs(1);
// ANCHOR: attempts
/// Quantos envios antes de desistir.
const ATTEMPTS: u32 = 3;
// ANCHOR_END: attempts

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    // ANCHOR: resolve
    let server = common::address::resolve_one(&server_name, server_port)?;
    // ANCHOR_END: resolve
    let client_socket = UdpSocket::bind("0.0.0.0:0")?;
    common::udp::set_read_timeout(&client_socket, TIMEOUT)?;
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut message = String::new();
    io::stdin().read_line(&mut message)?;
    let message = message.trim_end_matches(['\r', '\n']).as_bytes();
    // ANCHOR: main
    match ask(&client_socket, server, message) {
        Ok(modified_message) => println!("{}", String::from_utf8_lossy(&modified_message)),
        Err(err) => {
            eprintln!("erro: {err}");
            std::process::exit(1);
        }
    }
    Ok(())
    // ANCHOR_END: main
}

// ANCHOR: ask
/// Envia a mensagem e espera a resposta; sem resposta no tempo-limite,
/// envia de novo, até `ATTEMPTS` vezes.
fn ask(socket: &UdpSocket, server: SocketAddr, message: &[u8]) -> Result<Vec<u8>, Error> {
    // EXERCÍCIO 2: INÍCIO
    for attempt in 1..=ATTEMPTS {
        socket
            .send_to(message, server)
            .map_err(|e| Error::io(format!("não foi possível enviar para {server}"), &e))?;
        if let Some(reply) = wait_reply(socket)? {
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
// ANCHOR_END: ask

// ANCHOR: wait
/// Espera uma resposta até o tempo-limite do socket: `Ok(None)` quando ele
/// passa sem nada chegar.
fn wait_reply(socket: &UdpSocket) -> Result<Option<Vec<u8>>, Error> {
    let mut buffer = [0u8; 2048];
    match socket.recv_from(&mut buffer) {
        Ok((n, _server_address)) => Ok(Some(buffer[..n].to_vec())),
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
// ANCHOR_END: wait
