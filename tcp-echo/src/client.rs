// ANCHOR: whole_file
//! O cliente TCP: o `TCP CLIENT` das notas.
//!
//! ```python
//! clientSocket = socket(AF_INET, SOCK_STREAM)
//! clientSocket.connect((serverName, serverPort))
//! sentence = bytes(raw_input('Input lowercase sentence:'), 'utf-8')
//! clientSocket.send(sentence)
//! modifiedSentence = clientSocket.recv(1024)
//! print('From Server:', modifiedSentence)
//! clientSocket.close()
//! ```

use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use common::Error;

/// O que o cliente precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Nome ou IP do servidor.
    pub server: String,
    /// Porta do servidor.
    pub port: u16,
    /// Quanto esperar para conectar e por cada resposta.
    pub timeout: Duration,
    /// A frase; `None` para o modo interativo, uma linha por vez.
    pub sentence: Option<String>,
}

/// Conecta, conversa com o servidor e fecha.
pub fn run(config: &Config) -> Result<(), Error> {
    // ANCHOR: connect
    let addresses = common::address::resolve(&config.server, config.port)?;
    let stream = common::tcp::connect(&addresses, config.timeout)?;
    // ANCHOR_END: connect
    match &config.sentence {
        Some(sentence) => send_once(stream, sentence.as_bytes()),
        None => interactive(stream),
    }
}

// ANCHOR: send_once
/// Envia a frase inteira, avisa que terminou de enviar e lê tudo o que o
/// servidor devolver até ele fechar a conexão.
fn send_once(mut stream: TcpStream, sentence: &[u8]) -> Result<(), Error> {
    // ANCHOR: send
    common::tcp::send_all(&mut stream, sentence).map_err(|e| failed("enviar", &e))?;
    stream
        .shutdown(Shutdown::Write)
        .map_err(|e| failed("enviar", &e))?;
    // ANCHOR_END: send
    // ANCHOR: receive
    let mut reply = Vec::new();
    stream
        .read_to_end(&mut reply)
        .map_err(|e| failed("receber", &e))?;
    // ANCHOR_END: receive
    print_reply(&reply);
    Ok(())
}
// ANCHOR_END: send_once

// ANCHOR: interactive
/// Sem frase na linha de comando: cada linha digitada vai ao servidor, e a
/// resposta (até a quebra de linha que o eco devolve) aparece em seguida.
fn interactive(mut stream: TcpStream) -> Result<(), Error> {
    let prompt = io::stdin().is_terminal();
    if prompt {
        eprintln!("Conectado. Digite frases em minúsculas (Ctrl+D para terminar).");
    }
    let reader = stream.try_clone().map_err(|e| failed("receber", &e))?;
    let mut replies = BufReader::new(reader);
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = stdin
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io("não foi possível ler a entrada", &e))?;
        if read == 0 {
            break;
        }
        // ANCHOR: interactive_send
        common::tcp::send_all(&mut stream, &line).map_err(|e| failed("enviar", &e))?;
        if line.ends_with(b"\n") {
            let mut reply = Vec::new();
            replies
                .read_until(b'\n', &mut reply)
                .map_err(|e| failed("receber", &e))?;
            if reply.is_empty() {
                return Err(Error::new("o servidor fechou a conexão"));
            }
            print_raw(&reply);
        }
        // ANCHOR_END: interactive_send
    }
    // ANCHOR: interactive_end
    // Fim da entrada: avisa o servidor e mostra o que ele ainda tiver a dizer.
    stream
        .shutdown(Shutdown::Write)
        .map_err(|e| failed("enviar", &e))?;
    let mut rest = Vec::new();
    replies
        .read_to_end(&mut rest)
        .map_err(|e| failed("receber", &e))?;
    if !rest.is_empty() {
        print_reply(&rest);
    }
    // ANCHOR_END: interactive_end
    Ok(())
}
// ANCHOR_END: interactive

fn failed(action: &str, err: &io::Error) -> Error {
    Error::io(format!("não foi possível {action}"), err)
}

/// Mostra a resposta como veio, com uma quebra de linha no fim se faltar.
fn print_reply(reply: &[u8]) {
    print_raw(reply);
    if !reply.ends_with(b"\n") {
        print_raw(b"\n");
    }
}

fn print_raw(bytes: &[u8]) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}
// ANCHOR_END: whole_file
