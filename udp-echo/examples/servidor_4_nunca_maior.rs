//! Passo 4 do servidor UDP: a resposta nunca tem mais bytes que a pergunta.
//! Umas poucas letras crescem em maiúsculas (`ŉ`, 2 bytes, vira `ʼN`, 3); elas
//! voltam como vieram. Assim o servidor não serve de amplificador para um
//! ataque, e a resposta sempre cabe em um datagrama.
//!
//!     cargo run -p udp-echo --example servidor_4_nunca_maior -- 12000

use std::net::UdpSocket;

use common::udp::MAX_DATAGRAM;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = UdpSocket::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    // ANCHOR: reply
    let mut reply: Vec<u8> = Vec::with_capacity(MAX_DATAGRAM);
    // ANCHOR_END: reply
    // EXERCÍCIO 1: INÍCIO
    loop {
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
        let message = &buffer[..datagram.len];
        // ANCHOR: upper
        reply.clear();
        let kept = common::transform::push_upper_no_longer(message, &mut reply);
        println!("{}", String::from_utf8_lossy(message));
        if kept > 0 {
            println!("({kept} letra(s) sem maiúscula: a resposta nunca é maior que a pergunta)");
        }
        // ANCHOR_END: upper
        // ANCHOR: send
        if let Err(err) = server_socket.send_to(&reply, datagram.from) {
            let problem = common::error::describe(&err);
            println!("{}: resposta não enviada: {problem}", datagram.from);
        }
        // ANCHOR_END: send
    }
    // EXERCÍCIO 1: FIM
}
