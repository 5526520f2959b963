//! O cliente TCP das notas, linha por linha, no Rust mais curto que faz o
//! mesmo. O servidor e a porta vêm da linha de comando (padrão: 127.0.0.1 e
//! 12000, os das notas):
//!
//!     cargo run -p tcp-echo --example tcp_cliente_notas -- 127.0.0.1 12000

// ANCHOR: all
use std::io::{self, Read, Write};
use std::net::TcpStream;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let mut client_socket = TcpStream::connect((server_name.as_str(), server_port))?;
    print!("Input lowercase sentence:");
    io::stdout().flush()?;
    let mut sentence = String::new();
    io::stdin().read_line(&mut sentence)?;
    client_socket.write_all(sentence.trim_end_matches(['\r', '\n']).as_bytes())?;
    let mut modified_sentence = [0u8; 1024];
    let n = client_socket.read(&mut modified_sentence)?;
    println!(
        "From Server: {}",
        String::from_utf8_lossy(&modified_sentence[..n])
    );
    Ok(())
}
// ANCHOR_END: all
