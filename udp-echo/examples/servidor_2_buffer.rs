//! Passo 2 do servidor UDP: um buffer de 64 KiB, criado uma vez, que recebe
//! inteiro qualquer datagrama. O de 2048 bytes das notas corta em silêncio
//! o que passar disso.
//!
//!     cargo run -p udp-echo --example servidor_2_buffer -- 12000

use std::net::UdpSocket;

// ANCHOR: use
use common::udp::MAX_DATAGRAM;
// ANCHOR_END: use

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = UdpSocket::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    // ANCHOR: buffer
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    // ANCHOR_END: buffer
    // EXERCÍCIO 1: INÍCIO
    // ANCHOR: loop
    loop {
        let datagram = common::udp::recv_from(&server_socket, &mut buffer)?;
        let message = &buffer[..datagram.len];
        let modified_message = common::transform::to_upper(message);
        println!("{}", String::from_utf8_lossy(message));
        server_socket.send_to(&modified_message, datagram.from)?;
    }
    // ANCHOR_END: loop
    // EXERCÍCIO 1: FIM
}
