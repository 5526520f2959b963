//! O servidor UDP das notas, linha por linha, no Rust mais curto que faz o
//! mesmo. Só a porta vem da linha de comando (padrão: 12000):
//!
//!     cargo run -p udp-echo --example udp_servidor_notas -- 12000
//!
//! Como nas notas, responde "no." a qualquer mensagem; o servidor completo
//! (`udp-echo servidor`, em src/server.rs) responde em maiúsculas.

// ANCHOR: all
use std::net::UdpSocket;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = UdpSocket::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    loop {
        let mut message = [0u8; 2048];
        let (n, client_address) = server_socket.recv_from(&mut message)?;
        let modified_message = b"no.";
        println!("{}", String::from_utf8_lossy(&message[..n]));
        server_socket.send_to(modified_message, client_address)?;
    }
}
// ANCHOR_END: all
