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

use std::io::{self, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use common::Error;
use common::error::is_timeout;

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
    // ANCHOR: input
    match &config.sentence {
        Some(sentence) => converse(stream, io::Cursor::new(sentence.clone().into_bytes())),
        None => {
            if io::stdin().is_terminal() {
                eprintln!("Conectado. Digite frases em minúsculas (Ctrl+D para terminar).");
            }
            converse(stream, io::stdin())
        }
    }
    // ANCHOR_END: input
}

/// Quanto esperar o fim do envio depois que o servidor fechou a conexão.
const SENDER_GRACE: Duration = Duration::from_secs(1);

/// O que a thread que envia conta para a que recebe.
#[derive(Debug, Default)]
struct Sending {
    /// Quantos bytes já foram enviados.
    bytes: AtomicU64,
    /// A entrada acabou e o servidor já foi avisado (`shutdown`)?
    finished: AtomicBool,
}

// ANCHOR: converse
/// Manda ao servidor tudo o que vier de `input` e, **ao mesmo tempo**, mostra
/// as respostas à medida que chegam, até o servidor fechar a conexão.
///
/// Por que ao mesmo tempo? Se o cliente só lesse depois de mandar tudo, uma
/// entrada grande (uma linha de 20 MB) encheria os buffers dos dois lados: o
/// servidor pararia de ler porque o cliente não lê as respostas, e o cliente
/// pararia de mandar porque o servidor não lê. Ninguém anda. Por isso uma
/// thread manda (`send`) enquanto esta recebe (`receive`).
fn converse(stream: TcpStream, input: impl Read + Send + 'static) -> Result<(), Error> {
    let writer = stream.try_clone().map_err(|e| failed("enviar", &e))?;
    let sending = Arc::new(Sending::default());
    let (sent, send_result) = mpsc::channel();
    {
        let sending = Arc::clone(&sending);
        thread::Builder::new()
            .spawn(move || sent.send(send(writer, input, &sending)))
            .map_err(|_| {
                Error::new(
                    "não foi possível criar a thread que envia: o sistema chegou ao limite \
                     de threads ou de memória",
                )
            })?;
    }
    let received = receive(&stream, &sending)?;
    // O servidor fechou a conexão. Normalmente a entrada já acabou, e o que
    // vale é o resultado do envio. Se ele fechou antes (uma recusa, o tempo
    // ocioso), a thread que envia pode estar parada esperando uma linha
    // digitada: esperamos um pouco, não para sempre.
    send_result.recv_timeout(SENDER_GRACE).unwrap_or_else(|_| {
        Err(Error::new(
            "o servidor fechou a conexão antes do fim da entrada",
        ))
    })?;
    // Mandamos algo e o servidor fechou sem devolver nada: não é um eco.
    if received == 0 && sending.bytes.load(Ordering::SeqCst) > 0 {
        return Err(Error::new("o servidor fechou a conexão sem responder"));
    }
    Ok(())
}
// ANCHOR_END: converse

// ANCHOR: send
/// Manda `input` ao servidor, um pedaço de cada vez, e no fim avisa que
/// acabou.
fn send(mut stream: TcpStream, mut input: impl Read, sending: &Sending) -> Result<(), Error> {
    // No terminal, cada `read` da entrada devolve uma linha digitada.
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err(stop(
                    &stream,
                    Error::io("não foi possível ler a entrada", &err),
                ));
            }
        };
        common::tcp::send_all(&mut stream, &buffer[..n])
            .map_err(|e| stop(&stream, failed("enviar", &e)))?;
        sending.bytes.fetch_add(n as u64, Ordering::SeqCst);
    }
    sending.finished.store(true, Ordering::SeqCst);
    stream
        .shutdown(Shutdown::Write)
        .map_err(|e| failed("enviar", &e))
}
// ANCHOR_END: send

/// O envio falhou: fecha os dois sentidos da conexão, para a thread que
/// recebe não ficar esperando respostas que não vêm mais.
fn stop(stream: &TcpStream, err: Error) -> Error {
    let _ = stream.shutdown(Shutdown::Both);
    err
}

// ANCHOR: receive
/// Mostra o que o servidor devolver, assim que chega, até ele fechar a
/// conexão (um `read` que devolve 0 bytes). Nada fica guardado além de um
/// pedaço de 64 KiB: um servidor que mandasse sem parar não enche a memória.
/// Devolve quantos bytes recebeu.
fn receive(mut stream: &TcpStream, sending: &Sending) -> Result<u64, Error> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    let mut last_byte = b'\n';
    // Quantos bytes tinham sido enviados quando chegou a última resposta, e
    // se o último `read` já esgotou o tempo com algo enviado sem resposta.
    let mut sent_when_answered = 0;
    let mut already_waited = false;
    loop {
        let received = match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => &buffer[..n],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // ANCHOR: timeout
            Err(err) if is_timeout(&err) => {
                // Nada chegou no tempo-limite. Só é erro se o cliente mandou
                // algo que não teve resposta; quem digita pode pensar à
                // vontade. Como o relógio do `read` não começa quando a
                // linha é enviada, só o segundo tempo esgotado seguido conta
                // (a não ser que a entrada já tenha acabado).
                let sent = sending.bytes.load(Ordering::SeqCst);
                let finished = sending.finished.load(Ordering::SeqCst);
                if sent > sent_when_answered && (already_waited || finished) {
                    return Err(failed("receber", &err));
                }
                already_waited = sent > sent_when_answered;
                continue;
            }
            // ANCHOR_END: timeout
            Err(err) => return Err(failed("receber", &err)),
        };
        sent_when_answered = sending.bytes.load(Ordering::SeqCst);
        already_waited = false;
        total += received.len() as u64;
        if !print_raw(received) {
            // Quem lia a saída foi embora (`| head`): não há a quem mostrar.
            return Ok(total);
        }
        last_byte = received[received.len() - 1];
    }
    // Uma resposta sem quebra de linha no fim ganha uma, como no `print`.
    if last_byte != b'\n' {
        print_raw(b"\n");
    }
    Ok(total)
}
// ANCHOR_END: receive

fn failed(action: &str, err: &io::Error) -> Error {
    Error::io(format!("não foi possível {action}"), err)
}

/// Mostra os bytes como vieram; diz se a saída ainda está aberta.
fn print_raw(bytes: &[u8]) -> bool {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .is_ok()
}
// ANCHOR_END: whole_file
