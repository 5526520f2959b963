//! Passo 1 do cliente TCP: ler a resposta até o servidor fechar.
//!
//! O cliente das notas (passo 0, `tcp_cliente_notas.rs`) faz **um**
//! `recv(1024)`: uma resposta maior, ou que chegue em pedaços, aparece pela
//! metade. Aqui o cliente avisa que acabou de mandar (`shutdown`) e mostra
//! tudo o que chegar, até o servidor fechar:
//!
//!     cargo run -p tcp-echo --example tcp_cliente_1_ate_o_fim -- 127.0.0.1 12000

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
// ANCHOR_END: imports

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
    // ANCHOR: shutdown
    client_socket.shutdown(Shutdown::Write)?;
    // ANCHOR_END: shutdown
    // ANCHOR: read_all
    print!("From Server: ");
    let mut buffer = [0u8; 1024];
    loop {
        let n = client_socket.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        io::stdout().write_all(&buffer[..n])?;
    }
    println!();
    // ANCHOR_END: read_all
    Ok(())
}
