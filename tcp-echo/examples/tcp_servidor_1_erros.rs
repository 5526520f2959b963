//! Passo 1 do servidor TCP: um erro não para o laço.
//!
//! O servidor das notas (passo 0, `tcp_servidor_notas.rs`) termina no
//! primeiro erro de uma conexão: basta um cliente desistir no meio. Aqui o
//! erro encerra só aquela conexão, e o laço segue. De quebra, o servidor diz
//! em que endereço e porta escuta (a porta 0 pede uma livre ao sistema):
//!
//!     cargo run -p tcp-echo --example tcp_servidor_1_erros -- 12000

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
// ANCHOR_END: imports

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // ANCHOR: args
    let mut args = std::env::args().skip(1);
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let address = args.next().unwrap_or("0.0.0.0".into());
    let server_socket = TcpListener::bind((address.as_str(), server_port))?;
    // ANCHOR_END: args
    // ANCHOR: ready
    let bound = server_socket.local_addr()?;
    println!("Servidor TCP pronto para receber em {bound}");
    // ANCHOR_END: ready
    loop {
        // ANCHOR: accept
        let (connection_socket, client) = match server_socket.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                println!("aviso: o accept falhou: {}", common::error::describe(&err));
                continue;
            }
        };
        // ANCHOR_END: accept
        // ANCHOR: serve
        match answer(connection_socket) {
            Ok(()) => println!("{client}: respondido"),
            Err(err) => println!(
                "{client}: conexão interrompida: {}",
                common::error::describe(&err)
            ),
        }
        // ANCHOR_END: serve
    }
}

// ANCHOR: answer
/// A conversa das notas com uma conexão: um `recv(1024)`, um `send`. Um erro
/// volta para quem chamou, em vez de encerrar o programa.
fn answer(mut connection_socket: TcpStream) -> io::Result<()> {
    let mut sentence = [0u8; 1024];
    let n = connection_socket.read(&mut sentence)?;
    connection_socket.write_all(&sentence[..n].to_ascii_uppercase())?;
    Ok(())
}
// ANCHOR_END: answer
