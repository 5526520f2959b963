//! Passo 5 do servidor UDP: onde escutar (o endereço, além da porta) e a
//! primeira linha dizendo onde o servidor ficou. Com a porta 0, quem escolhe
//! a porta é o sistema, e só essa linha diz qual foi.
//!
//!     cargo run -p udp-echo --example servidor_5_endereco -- 0 127.0.0.1

use common::udp::MAX_DATAGRAM;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: args
    let mut args = std::env::args().skip(1);
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let host = args.next().unwrap_or("0.0.0.0".into());
    // ANCHOR_END: args
    // ANCHOR: bind
    let address = common::address::resolve_one(&host, server_port)?;
    let server_socket = common::udp::bind(address)?;
    let bound = server_socket.local_addr()?;
    println!("Servidor UDP pronto para receber em {bound}");
    // ANCHOR_END: bind
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    let mut reply: Vec<u8> = Vec::with_capacity(MAX_DATAGRAM);
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
        reply.clear();
        let kept = common::transform::push_upper_no_longer(message, &mut reply);
        println!("{}", String::from_utf8_lossy(message));
        if kept > 0 {
            println!("({kept} letra(s) sem maiúscula: a resposta nunca é maior que a pergunta)");
        }
        if let Err(err) = server_socket.send_to(&reply, datagram.from) {
            let problem = common::error::describe(&err);
            println!("{}: resposta não enviada: {problem}", datagram.from);
        }
    }
    // EXERCÍCIO 1: FIM
}
