//! Passo 1 do servidor UDP: a resposta em maiúsculas, como o texto das notas
//! pede (o código delas responde "no." a tudo). Em relação ao passo 0
//! (`udp_servidor_notas.rs`), muda a linha que monta a resposta.
//!
//!     cargo run -p udp-echo --example servidor_1_maiusculas -- 12000

use std::net::UdpSocket;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = UdpSocket::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    // EXERCÍCIO 1: INÍCIO
    loop {
        let mut message = [0u8; 2048];
        let (n, client_address) = server_socket.recv_from(&mut message)?;
        // ANCHOR: upper
        let modified_message = common::transform::to_upper(&message[..n]);
        // ANCHOR_END: upper
        println!("{}", String::from_utf8_lossy(&message[..n]));
        // ANCHOR: send
        server_socket.send_to(&modified_message, client_address)?;
        // ANCHOR_END: send
    }
    // EXERCÍCIO 1: FIM
}
