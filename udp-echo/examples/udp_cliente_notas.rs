//! O cliente UDP das notas, linha por linha, no Rust mais curto que faz o
//! mesmo. O servidor e a porta vêm da linha de comando (padrão: 127.0.0.1 e
//! 12000; as notas usavam '10.20.69.134', o IP do laboratório):
//!
//!     cargo run -p udp-echo --example udp_cliente_notas -- 127.0.0.1 12000
//!
//! Como nas notas, não tem tempo-limite: se a resposta se perder, espera para
//! sempre. O cliente completo (`udp-echo cliente`, em src/client.rs) desiste e
//! tenta de novo.

// ANCHOR: all
use std::io::{self, Write};
use std::net::UdpSocket;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let client_socket = UdpSocket::bind("0.0.0.0:0")?;
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut message = String::new();
    io::stdin().read_line(&mut message)?;
    let message = message.trim_end_matches(['\r', '\n']).as_bytes();
    client_socket.send_to(message, (server_name.as_str(), server_port))?;
    let mut modified_message = [0u8; 2048];
    let (n, _server_address) = client_socket.recv_from(&mut modified_message)?;
    println!("{}", String::from_utf8_lossy(&modified_message[..n]));
    Ok(())
}
// ANCHOR_END: all
