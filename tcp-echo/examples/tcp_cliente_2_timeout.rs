//! Passo 2 do cliente TCP: um tempo-limite para conectar e para a resposta.
//!
//! No passo 1, um servidor que aceita a conexão e não responde deixa o
//! cliente esperando para sempre; um IP que não responde, mais de dois
//! minutos no `connect`. Aqui cada espera tem um limite (o terceiro
//! argumento, em segundos), e o cliente diz o que houve:
//!
//!     cargo run -p tcp-echo --example tcp_cliente_2_timeout -- 127.0.0.1 12000 5

use std::io::{self, Read, Write};
// ANCHOR: imports
use std::net::Shutdown;
use std::time::Duration;
// ANCHOR_END: imports

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    // ANCHOR: connect
    let timeout = Duration::from_secs_f64(args.next().unwrap_or("5".into()).parse()?);
    let addresses = common::address::resolve(&server_name, server_port)?;
    let mut client_socket = common::tcp::connect(&addresses, timeout)?;
    // ANCHOR_END: connect
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut sentence = String::new();
    io::stdin().read_line(&mut sentence)?;
    client_socket.write_all(sentence.trim_end_matches(['\r', '\n']).as_bytes())?;
    client_socket.shutdown(Shutdown::Write)?;
    print!("From Server: ");
    let mut buffer = [0u8; 1024];
    loop {
        // ANCHOR: read
        let n = match client_socket.read(&mut buffer) {
            Ok(n) => n,
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                println!();
                return Err(format!("o servidor não respondeu em {timeout:?}").into());
            }
            Err(err) => return Err(err.into()),
        };
        // ANCHOR_END: read
        if n == 0 {
            break;
        }
        io::stdout().write_all(&buffer[..n])?;
    }
    println!();
    Ok(())
}
