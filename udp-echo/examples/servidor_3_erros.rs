//! Passo 3 do servidor UDP: um erro ao receber ou ao responder não para o
//! servidor. Até o passo 2, o `?` dentro do laço encerrava o programa no
//! primeiro erro, e os outros clientes ficavam sem servidor.
//!
//!     cargo run -p udp-echo --example servidor_3_erros -- 12000

use std::net::UdpSocket;

use common::udp::MAX_DATAGRAM;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = UdpSocket::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    // EXERCÍCIO 1: INÍCIO
    loop {
        // ANCHOR: recv
        let datagram = match common::udp::recv_from(&server_socket, &mut buffer) {
            Ok(datagram) => datagram,
            Err(err) => {
                println!(
                    "erro ao receber (ignorado): {}",
                    common::error::describe(&err)
                );
                continue;
            }
        };
        // ANCHOR_END: recv
        let message = &buffer[..datagram.len];
        let modified_message = common::transform::to_upper(message);
        println!("{}", String::from_utf8_lossy(message));
        // ANCHOR: send
        if let Err(err) = server_socket.send_to(&modified_message, datagram.from) {
            let problem = common::error::describe(&err);
            println!("{}: resposta não enviada: {problem}", datagram.from);
        }
        // ANCHOR_END: send
    }
    // EXERCÍCIO 1: FIM
}
