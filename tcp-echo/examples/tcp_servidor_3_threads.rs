//! Passo 3 do servidor TCP: uma thread por conexão.
//!
//! O passo 2 atende uma conexão de cada vez: enquanto um cliente está
//! conectado, mesmo parado, os outros esperam na fila do `listen`. Aqui cada
//! conexão ganha uma thread, e o laço volta na hora para o `accept`:
//!
//!     cargo run -p tcp-echo --example tcp_servidor_3_threads -- 12000

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

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
        // ANCHOR: spawn
        // A conexão vai para a thread nova (`move`); esta volta ao `accept`.
        let spawned = thread::Builder::new().spawn(move || serve(connection_socket, client));
        if let Err(err) = spawned {
            println!(
                "{client}: recusada, o sistema não criou a thread: {}",
                common::error::describe(&err)
            );
        }
        // ANCHOR_END: spawn
    }
}

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

/// Lê o que chegar e devolve em maiúsculas, até o cliente fechar a conexão.
/// Devolve quantos bytes recebeu.
fn echo(stream: &mut TcpStream) -> io::Result<u64> {
    // EXERCÍCIO 3: INÍCIO
    let mut buffer = vec![0u8; 64 * 1024];
    let mut upper = Uppercaser::new();
    let mut reply = Vec::new();
    let mut total = 0;
    loop {
        let received = match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => &buffer[..n],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        total += received.len() as u64;
        reply.clear();
        upper.push(received, &mut reply);
        stream.write_all(&reply)?;
    }
    reply.clear();
    upper.finish(&mut reply);
    stream.write_all(&reply)?;
    Ok(total)
    // EXERCÍCIO 3: FIM
}
