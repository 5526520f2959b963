//! Passo 3 do cliente TCP: muitas linhas pela mesma conexão, mandando e
//! recebendo ao mesmo tempo.
//!
//! O passo 2 manda uma frase e só depois lê. Com uma entrada grande (um
//! arquivo, uma linha de 20 MB), isso trava: o servidor devolve cada pedaço
//! assim que lê, ninguém lê as respostas, os buffers dos dois lados enchem e
//! os dois param, um esperando o outro. Aqui uma thread manda a entrada
//! inteira (cada linha digitada, até o Ctrl+D) enquanto a principal mostra
//! as respostas:
//!
//!     cargo run -p tcp-echo --example tcp_cliente_3_linhas -- 127.0.0.1 12000 5

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::thread;
use std::time::Duration;
// ANCHOR_END: imports

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_name = args.next().unwrap_or("127.0.0.1".into());
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let timeout = Duration::from_secs_f64(args.next().unwrap_or("5".into()).parse()?);
    let addresses = common::address::resolve(&server_name, server_port)?;
    let mut client_socket = common::tcp::connect(&addresses, timeout)?;
    // ANCHOR: sender
    let mut writer = client_socket.try_clone()?;
    let sender = thread::spawn(move || -> io::Result<()> {
        io::copy(&mut io::stdin(), &mut writer)?;
        writer.shutdown(Shutdown::Write)
    });
    // ANCHOR_END: sender
    let mut buffer = [0u8; 1024];
    loop {
        let n = match client_socket.read(&mut buffer) {
            Ok(n) => n,
            // ANCHOR: patience
            // Enquanto a entrada não acabou, quem digita pode pensar à
            // vontade: um tempo esgotado não é erro. Depois que ela acabou,
            // é: o servidor não respondeu, nem fechou a conexão.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                if sender.is_finished() {
                    return Err(format!("o servidor não respondeu em {timeout:?}").into());
                }
                continue;
            }
            // ANCHOR_END: patience
            Err(err) => return Err(err.into()),
        };
        if n == 0 {
            break;
        }
        // ANCHOR: show
        io::stdout().write_all(&buffer[..n])?;
        io::stdout().flush()?;
        // ANCHOR_END: show
    }
    // ANCHOR: join
    match sender.join() {
        Ok(sent) => sent?,
        Err(_) => return Err("a thread que envia terminou com pânico".into()),
    }
    // ANCHOR_END: join
    Ok(())
}
