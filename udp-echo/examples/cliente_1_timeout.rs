//! Passo 1 do cliente UDP: um tempo-limite para a resposta. O cliente das
//! notas (passo 0, `udp_cliente_notas.rs`) espera para sempre se o datagrama
//! ou a resposta se perder; este desiste depois de 1 segundo e diz por quê.
//!
//!     cargo run -p udp-echo --example cliente_1_timeout -- 127.0.0.1 12000

use std::io::{self, Write};
use std::net::UdpSocket;
// ANCHOR: use
use std::time::Duration;

/// Quanto esperar pela resposta: na loopback ela leva menos de um
/// milissegundo; numa rede ruim, algumas dezenas.
const TIMEOUT: Duration = Duration::from_secs(1);
// ANCHOR_END: use

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let client_socket = UdpSocket::bind("0.0.0.0:0")?;
    // ANCHOR: timeout
    common::udp::set_read_timeout(&client_socket, TIMEOUT)?;
    // ANCHOR_END: timeout
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut message = String::new();
    io::stdin().read_line(&mut message)?;
    let message = message.trim_end_matches(['\r', '\n']).as_bytes();
    client_socket.send_to(message, (server_name.as_str(), server_port))?;
    let mut modified_message = [0u8; 2048];
    // ANCHOR: recv
    let n = match client_socket.recv_from(&mut modified_message) {
        Ok((n, _server_address)) => n,
        Err(err)
            if matches!(
                err.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            eprintln!("erro: nenhuma resposta em {TIMEOUT:?}; o UDP não garante a entrega");
            std::process::exit(1);
        }
        Err(err) => return Err(err.into()),
    };
    // ANCHOR_END: recv
    println!("{}", String::from_utf8_lossy(&modified_message[..n]));
    Ok(())
}
