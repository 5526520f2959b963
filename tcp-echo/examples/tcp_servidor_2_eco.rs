//! Passo 2 do servidor TCP: o eco até o cliente fechar.
//!
//! O passo 1 lê **uma** vez (até 1024 bytes) e fecha: uma frase maior, ou
//! que chegue em pedaços, volta pela metade. Aqui o servidor lê e devolve
//! até o cliente fechar o lado dele (um `read` que devolve 0 bytes):
//!
//!     cargo run -p tcp-echo --example tcp_servidor_2_eco -- 12000

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};

use common::transform::Uppercaser;
// ANCHOR_END: imports

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let address = args.next().unwrap_or("0.0.0.0".into());
    let server_socket = TcpListener::bind((address.as_str(), server_port))?;
    let bound = server_socket.local_addr()?;
    println!("Servidor TCP pronto para receber em {bound}");
    loop {
        let (connection_socket, client) = match server_socket.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                println!("aviso: o accept falhou: {}", common::error::describe(&err));
                continue;
            }
        };
        // ANCHOR: serve_call
        serve(connection_socket, client);
        // ANCHOR_END: serve_call
    }
}

// ANCHOR: serve
/// Atende uma conexão do começo ao fim, e diz como ela terminou.
fn serve(mut stream: TcpStream, client: SocketAddr) {
    println!("{client}: conexão aberta");
    match echo(&mut stream) {
        Ok(total) => println!("{client}: conexão encerrada pelo cliente ({total} bytes)"),
        Err(err) => println!(
            "{client}: conexão interrompida: {}",
            common::error::describe(&err)
        ),
    }
}
// ANCHOR_END: serve

// ANCHOR: echo_signature
/// Lê o que chegar e devolve em maiúsculas, até o cliente fechar a conexão.
/// Devolve quantos bytes recebeu.
fn echo(stream: &mut TcpStream) -> io::Result<u64> {
    // ANCHOR_END: echo_signature
    // EXERCÍCIO 3: INÍCIO
    // ANCHOR: echo_setup
    let mut buffer = vec![0u8; 64 * 1024];
    let mut upper = Uppercaser::new();
    let mut reply = Vec::new();
    let mut total = 0;
    // ANCHOR_END: echo_setup
    loop {
        // ANCHOR: read
        let received = match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => &buffer[..n],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        // ANCHOR_END: read
        // ANCHOR: write
        total += received.len() as u64;
        reply.clear();
        upper.push(received, &mut reply);
        stream.write_all(&reply)?;
        // ANCHOR_END: write
    }
    // ANCHOR: finish
    reply.clear();
    upper.finish(&mut reply);
    stream.write_all(&reply)?;
    Ok(total)
    // ANCHOR_END: finish
    // EXERCÍCIO 3: FIM
}
