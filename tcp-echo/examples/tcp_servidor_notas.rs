//! O servidor TCP das notas, linha por linha, no Rust mais curto que faz o
//! mesmo. Só a porta vem da linha de comando (padrão: 12000):
//!
//!     cargo run -p tcp-echo --example tcp_servidor_notas -- 12000
//!
//! Como o `sentence.upper()` do Python sobre bytes, `to_ascii_uppercase` só
//! muda as letras ASCII: "olá" vira "OLá". E, como nas notas, um único
//! `read` de até 1024 bytes: uma mensagem maior, ou que chegue em pedaços,
//! é respondida pela metade (veja o capítulo "Um fluxo de bytes não é uma
//! sequência de mensagens").

// ANCHOR: all
use std::io::{Read, Write};
use std::net::TcpListener;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server_port: u16 = std::env::args().nth(1).unwrap_or("12000".into()).parse()?;
    let server_socket = TcpListener::bind(("0.0.0.0", server_port))?;
    println!("The server is ready to receive");
    loop {
        let (mut connection_socket, _addr) = server_socket.accept()?;
        let mut sentence = [0u8; 1024];
        let n = connection_socket.read(&mut sentence)?;
        let capitalized_sentence = sentence[..n].to_ascii_uppercase();
        connection_socket.write_all(&capitalized_sentence)?;
    } // connection_socket sai de escopo a cada volta: é o close() das notas
}
// ANCHOR_END: all
