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
//!
//! É o último passo do caminho que começa em `examples/tcp_cliente_notas.rs`
//! (veja o capítulo "O cliente TCP, passo a passo" do livro).

// ANCHOR: imports
use std::io::{self, IsTerminal, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use common::Error;
use common::error::is_timeout;
// ANCHOR_END: imports

// ANCHOR: config
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
// ANCHOR_END: config

// ANCHOR: run
/// Conecta, conversa com o servidor e fecha.
pub fn run(config: &Config) -> Result<(), Error> {
    let addresses = common::address::resolve(&config.server, config.port)?;
    let stream = common::tcp::connect(&addresses, config.timeout)?;
    match &config.sentence {
        Some(sentence) => {
            let reply = converse(stream, io::Cursor::new(sentence.clone().into_bytes()))?;
            // A frase da linha de comando é texto: a resposta sai como uma
            // linha, como no `print` das notas.
            if reply.last_byte != Some(b'\n') {
                print_raw(b"\n");
            }
            Ok(())
        }
        None => {
            if io::stdin().is_terminal() {
                eprintln!("Conectado. Digite frases em minúsculas (Ctrl+D para terminar).");
            }
            converse(stream, io::stdin()).map(|_| ())
        }
    }
}
// ANCHOR_END: run

// ANCHOR: sending
/// Quanto esperar o fim do envio depois que o servidor fechou a conexão.
const SENDER_GRACE: Duration = Duration::from_secs(1);

/// O que a thread que envia conta para a que recebe.
#[derive(Debug, Default)]
struct Sending {
    /// Quantos bytes a thread que envia já pegou da entrada para enviar.
    bytes: AtomicU64,
    /// A entrada acabou e o servidor já foi avisado (`shutdown`)?
    finished: AtomicBool,
}

/// O que chegou do servidor: quantos bytes e qual foi o último.
#[derive(Debug)]
struct Reply {
    total: u64,
    last_byte: Option<u8>,
}
// ANCHOR_END: sending

// ANCHOR: converse
/// Manda ao servidor tudo o que vier de `input` e, **ao mesmo tempo**, mostra
/// as respostas à medida que chegam, até o servidor fechar a conexão.
///
/// Por que ao mesmo tempo? Se o cliente só lesse depois de mandar tudo, uma
/// entrada grande (uma linha de 20 MB) encheria os buffers dos dois lados: o
/// servidor pararia de ler porque o cliente não lê as respostas, e o cliente
/// pararia de mandar porque o servidor não lê. Ninguém anda. Por isso uma
/// thread manda (`send`) enquanto esta recebe (`receive`).
fn converse(stream: TcpStream, input: impl Read + Send + 'static) -> Result<Reply, Error> {
    let writer = stream.try_clone().map_err(|e| failed("enviar", &e))?;
    let sending = Arc::new(Sending::default());
    let (sent, send_result) = mpsc::channel();
    {
        let sending = Arc::clone(&sending);
        thread::Builder::new()
            .spawn(move || sent.send(send(writer, input, &sending)))
            .map_err(|_| {
                Error::new(
                    "não foi possível criar a thread que envia: o kernel chegou ao limite \
                     de threads ou de memória",
                )
            })?;
    }
    let reply = receive(&stream, &sending)?;
    // O servidor fechou a conexão. Normalmente a entrada já acabou, e o que
    // vale é o resultado do envio. Se ele fechou antes (o tempo ocioso, por
    // exemplo), a thread que envia pode estar parada esperando uma linha
    // digitada: esperamos um pouco, não para sempre.
    send_result.recv_timeout(SENDER_GRACE).unwrap_or_else(|_| {
        Err(Error::new(
            "o servidor fechou a conexão antes do fim da entrada",
        ))
    })?;
    let sent = sending.bytes.load(Ordering::SeqCst);
    // Mandamos algo e o servidor fechou sem devolver nada: não é um eco.
    if reply.total == 0 && sent > 0 {
        return Err(Error::new("o servidor fechou a conexão sem responder"));
    }
    // A entrada acabou (ou estava fechada) antes da primeira frase: sair
    // calado com 0 esconderia que nada foi enviado.
    if reply.total == 0 && sent == 0 {
        return Err(Error::new(
            "nada foi enviado: a entrada acabou antes da primeira frase (passe a frase \
             na linha de comando, ou digite-a e tecle Enter antes do Ctrl+D)",
        ));
    }
    Ok(reply)
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
        // Contados antes de enviar: uma resposta rápida não chega antes da conta.
        sending.bytes.fetch_add(n as u64, Ordering::SeqCst);
        common::tcp::send_all(&mut stream, &buffer[..n])
            .map_err(|e| stop(&stream, failed("enviar", &e)))?;
    }
    sending.finished.store(true, Ordering::SeqCst);
    stream
        .shutdown(Shutdown::Write)
        .map_err(|e| failed("enviar", &e))
}
// ANCHOR_END: send

// ANCHOR: stop
/// O envio falhou: fecha os dois sentidos da conexão, para a thread que
/// recebe não ficar esperando respostas que não vêm mais.
fn stop(stream: &TcpStream, err: Error) -> Error {
    let _ = stream.shutdown(Shutdown::Both);
    err
}
// ANCHOR_END: stop

// ANCHOR: refused_prefix
/// O começo do aviso de `tcp-echo servidor` a um cliente acima de
/// `--max-conexoes` (veja `refuse`, em `server.rs`). Um eco não pode
/// começar assim: no eco, as letras voltam todas em maiúsculas.
const REFUSED: &[u8] = b"ERRO: servidor lotado";
// ANCHOR_END: refused_prefix

// ANCHOR: receive
/// Mostra o que o servidor devolver, assim que chega, até ele fechar a
/// conexão (um `read` que devolve 0 bytes). Nada fica guardado além de um
/// pedaço de 64 KiB: um servidor que mandasse sem parar não enche a memória.
fn receive(mut stream: &TcpStream, sending: &Sending) -> Result<Reply, Error> {
    let mut buffer = vec![0u8; 64 * 1024];
    let mut reply = Reply {
        total: 0,
        last_byte: None,
    };
    // O começo da resposta, guardado até dar para saber se é uma recusa.
    let mut start = Vec::new();
    let mut checked = false;
    // ANCHOR: timeout_state
    // Quantos bytes tinham sido enviados quando chegou a última resposta, e
    // se o último `read` já esgotou o tempo com algo enviado sem resposta.
    let mut sent_when_answered = 0;
    let mut already_waited = false;
    // ANCHOR_END: timeout_state
    loop {
        // ANCHOR: finished_before
        let finished_before = sending.finished.load(Ordering::SeqCst);
        // ANCHOR_END: finished_before
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
                // ANCHOR: never_closes
                // A entrada já tinha acabado quando este `read` começou, e
                // um tempo-limite inteiro passou sem nada: o servidor
                // respondeu, mas não fecha a conexão.
                if finished_before {
                    return Err(Error::new(
                        "o servidor não fechou a conexão: a entrada acabou e nada mais \
                         chegou dentro do --timeout",
                    ));
                }
                // ANCHOR_END: never_closes
                already_waited = sent > sent_when_answered;
                continue;
            }
            // ANCHOR_END: timeout
            Err(err) => return Err(failed("receber", &err)),
        };
        sent_when_answered = sending.bytes.load(Ordering::SeqCst);
        already_waited = false;
        reply.total += received.len() as u64;
        reply.last_byte = received.last().copied();
        // ANCHOR: check_refused
        if !checked {
            start.extend_from_slice(received);
            if start.len() < REFUSED.len() && REFUSED.starts_with(&start) {
                continue; // ainda não dá para saber
            }
            if start.starts_with(REFUSED) {
                return Err(refused(stream, start));
            }
            checked = true;
        }
        let shown = if start.is_empty() {
            received
        } else {
            &start[..]
        };
        // ANCHOR_END: check_refused
        if !print_raw(shown) {
            // Quem lia a saída foi embora (`| head`): não há a quem mostrar.
            return Ok(reply);
        }
        start.clear();
    }
    // Uma resposta curta, que podia ser o começo de uma recusa e não era.
    if !checked {
        print_raw(&start);
    }
    Ok(reply)
}
// ANCHOR_END: receive

// ANCHOR: refused
/// O servidor recusou a conexão: lê o resto da linha do aviso (no máximo
/// 1 KiB) e o transforma no erro que o `main` mostra na saída de erro.
fn refused(mut stream: &TcpStream, mut notice: Vec<u8>) -> Error {
    let mut byte = [0u8; 1];
    while !notice.ends_with(b"\n") && notice.len() < 1024 {
        match stream.read(&mut byte) {
            Ok(1) => notice.push(byte[0]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&notice);
    let reason = text.trim_end().trim_start_matches("ERRO: ");
    Error::new(format!("o servidor recusou a conexão: {reason}"))
}
// ANCHOR_END: refused

// ANCHOR: helpers
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
// ANCHOR_END: helpers
// ANCHOR_END: whole_file
