// ANCHOR: whole_file
//! O cliente UDP: o `UDP CLIENT` das notas.
//!
//! ```python
//! clientSocket = socket(AF_INET, SOCK_DGRAM)
//! message = bytes(raw_input('Input lowercase sentence:'), 'utf-8')
//! clientSocket.sendto(message, (serverName, serverPort))
//! modifiedMessage, serverAddress = clientSocket.recvfrom(2048)
//! print(modifiedMessage)
//! clientSocket.close()
//! ```

// ANCHOR: uses
use std::io::{self, BufRead, IsTerminal, Write};
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::Error;
use common::udp::MAX_DATAGRAM;
// ANCHOR_END: uses

// ANCHOR: config
/// O que o cliente precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Nome ou IP do servidor.
    pub server: String,
    /// Porta do servidor.
    pub port: u16,
    /// Quanto esperar pela resposta a cada envio.
    pub timeout: Duration,
    /// Quantos envios antes de desistir.
    pub attempts: u32,
    /// A frase; `None` quando deve ser lida do terminal.
    pub sentence: Option<String>,
}
// ANCHOR_END: config

// ANCHOR: socket
/// Envia a frase, espera a resposta e a mostra.
pub fn run(config: &Config) -> Result<(), Error> {
    let server = common::address::resolve_one(&config.server, config.port)?;
    let socket = common::udp::client_socket(server)?;
    common::udp::set_read_timeout(&socket, config.timeout)
        .map_err(|e| Error::io("não foi possível ajustar o tempo-limite", &e))?;
    // ANCHOR_END: socket
    // ANCHOR: input
    let message = match &config.sentence {
        Some(sentence) => sentence.clone().into_bytes(),
        None => read_sentence()?,
    };
    // ANCHOR_END: input
    // ANCHOR: ask_call
    check_size(server, &message, config.attempts)?;
    let reply = ask(&socket, server, &message, config)
        .map_err(|err| explain_impossible_reply(err, server, &message))?;
    print_reply(&reply);
    Ok(())
    // ANCHOR_END: ask_call
}

// ANCHOR: check_size
/// Um datagrama maior que o máximo do UDP nem sai daqui: o sistema recusaria
/// o envio. Melhor explicar antes, com os números.
fn check_size(server: SocketAddr, message: &[u8], attempts: u32) -> Result<(), Error> {
    let max = common::udp::max_payload(server);
    let largest = numbered(attempts, message).len();
    if largest > max {
        return Err(Error::new(format!(
            "a frase tem {} bytes; com o número da tentativa, o datagrama teria {largest} \
             bytes, mais que o máximo de um datagrama UDP para {} ({} bytes). Mande uma \
             frase menor, ou use o tcp-echo: no TCP não há limite de tamanho.",
            message.len(),
            server.ip(),
            thousands(max)
        )));
    }
    Ok(())
}

/// Algumas letras ficam maiores em maiúsculas (`ΐ`: de 2 para 6 bytes). Se a
/// frase inteira em maiúsculas não cabe em um datagrama, um servidor que
/// responde tudo em maiúsculas não tem **como** responder: não é a rede que
/// perdeu a resposta. (O nosso servidor responde, deixando essas letras como
/// vieram; veja `push_upper_no_longer`.)
fn explain_impossible_reply(err: Error, server: SocketAddr, message: &[u8]) -> Error {
    let max = common::udp::max_payload(server);
    let upper = common::transform::to_upper(&numbered(1, message)).len();
    if upper <= max {
        return err;
    }
    Error::new(format!(
        "nenhuma resposta de {server}. Em maiúsculas, a frase teria {upper} bytes, mais \
         que o máximo de um datagrama UDP ({} bytes): um servidor que devolve tudo em \
         maiúsculas não tem como enviar essa resposta. Não é culpa da rede; mande uma \
         frase menor, ou use o tcp-echo.",
        thousands(max)
    ))
}

/// `65507` → `65 507`, como no livro.
fn thousands(n: usize) -> String {
    common::stats::thousands(n as u64)
}
// ANCHOR_END: check_size

// ANCHOR: ask
/// Envia a mensagem e espera a resposta; sem resposta no tempo-limite,
/// envia de novo, até `config.attempts` vezes. Devolve a resposta (sem o
/// número da tentativa) ou o erro que explica que ninguém respondeu.
pub fn ask(
    socket: &UdpSocket,
    server: SocketAddr,
    message: &[u8],
    config: &Config,
) -> Result<Vec<u8>, Error> {
    // EXERCÍCIO 2: INÍCIO
    // ANCHOR: attempts
    for attempt in 1..=config.attempts {
        // ANCHOR: send
        socket
            .send_to(&numbered(attempt, message), server)
            .map_err(|e| Error::io(format!("não foi possível enviar para {server}"), &e))?;
        // ANCHOR_END: send
        if let Some(reply) = wait_reply(socket, server, config.timeout, attempt)? {
            return Ok(reply);
        }
        if attempt < config.attempts {
            eprintln!(
                "sem resposta em {:?}; enviando de novo (tentativa {} de {})",
                config.timeout,
                attempt + 1,
                config.attempts
            );
        }
    }
    // ANCHOR_END: attempts
    // ANCHOR: give_up
    Err(Error::new(format!(
        "nenhuma resposta de {server} depois de {} tentativa(s) de {:?} cada. \
         O UDP não garante a entrega: o datagrama ou a resposta podem ter se \
         perdido, ou não há servidor escutando nessa porta.",
        config.attempts, config.timeout
    )))
    // ANCHOR_END: give_up
    // EXERCÍCIO 2: FIM
}
// ANCHOR_END: ask

// ANCHOR: prompt
/// Pede a frase no terminal, como o `raw_input` das notas. Lê bytes, não
/// texto: o servidor aceita qualquer byte, e o cliente também.
fn read_sentence() -> Result<Vec<u8>, Error> {
    if io::stdin().is_terminal() {
        // Na saída de erro, como o convite do cliente TCP: a saída padrão
        // fica só com a resposta (`udp-echo cliente > resposta.txt`).
        eprint!("Digite uma frase em minúsculas: ");
    }
    let mut line = Vec::new();
    let read = io::stdin()
        .lock()
        .read_until(b'\n', &mut line)
        .map_err(|e| Error::io("não foi possível ler a frase", &e))?;
    // A entrada acabou sem nenhuma linha (Ctrl+D, ou `< /dev/null`): não há
    // frase, e um datagrama vazio não é o que alguém quis mandar.
    if read == 0 {
        return Err(Error::new(
            "a entrada terminou sem nenhuma frase (Ctrl+D?): nada foi enviado",
        ));
    }
    // Como o raw_input, tira a quebra de linha do fim.
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    Ok(line)
}
// ANCHOR_END: prompt

// ANCHOR: wait
/// Espera uma resposta do servidor até o fim do `timeout`. Datagramas de
/// outros endereços são ignorados: qualquer um pode mandar um datagrama para
/// a nossa porta, e só o servidor responde à nossa pergunta.
fn wait_reply(
    socket: &UdpSocket,
    server: SocketAddr,
    timeout: Duration,
    attempt: u32,
) -> Result<Option<Vec<u8>>, Error> {
    let deadline = Instant::now() + timeout;
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Ok(None);
        }
        common::udp::set_read_timeout(socket, remaining)
            .map_err(|e| Error::io("não foi possível ajustar o tempo-limite", &e))?;
        match common::udp::recv_from(socket, &mut buffer) {
            Ok(datagram) if same_host(datagram.from, server) => {
                if datagram.truncated {
                    eprintln!("aviso: a resposta era maior que {MAX_DATAGRAM} bytes e foi cortada");
                }
                return Ok(Some(unnumbered(&buffer[..datagram.len], attempt)));
            }
            Ok(datagram) => eprintln!("ignorando um datagrama de {}", datagram.from),
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None);
            }
            // No Windows, "porta inalcançável" (ninguém escutando) volta aqui;
            // é mais uma resposta que não veio.
            Err(err) if err.kind() == io::ErrorKind::ConnectionReset => return Ok(None),
            Err(err) => return Err(Error::io("não foi possível receber a resposta", &err)),
        }
    }
}
// ANCHOR_END: wait

// ANCHOR: sequence
/// A mensagem como vai no datagrama: `#2 olá mundo` na segunda tentativa. O
/// servidor devolve o número junto (dígitos não mudam em maiúsculas), e assim
/// sabemos a qual tentativa cada resposta pertence.
fn numbered(attempt: u32, message: &[u8]) -> Vec<u8> {
    let mut datagram = format!("#{attempt} ").into_bytes();
    datagram.extend_from_slice(message);
    datagram
}

/// Tira o número da resposta. Uma resposta a uma tentativa anterior chegou
/// atrasada (depois do tempo-limite dela): avisamos, e ela serve do mesmo
/// jeito, porque responde à mesma frase.
fn unnumbered(reply: &[u8], attempt: u32) -> Vec<u8> {
    // "#2 OLÁ": o número fica entre o '#' e o primeiro espaço.
    let tag = reply.iter().position(|&b| b == b' ').and_then(|space| {
        let digits = reply[..space].strip_prefix(b"#")?;
        let n: u32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        Some((n, &reply[space + 1..]))
    });
    match tag {
        Some((n, text)) if n <= attempt => {
            if n < attempt {
                eprintln!("(esta é a resposta da tentativa {n}, que chegou atrasada)");
            }
            text.to_vec()
        }
        _ => {
            eprintln!("aviso: a resposta não traz o número da tentativa; mostrando como veio");
            reply.to_vec()
        }
    }
}
// ANCHOR_END: sequence

// ANCHOR: same_host
/// O servidor em `::` (IPv6) responde a um cliente IPv4 pelo mesmo endereço,
/// às vezes escrito como `::ffff:127.0.0.1`; comparamos os dois na forma IPv4.
fn same_host(from: SocketAddr, server: SocketAddr) -> bool {
    from.ip().to_canonical() == server.ip().to_canonical() && from.port() == server.port()
        || server.ip().is_unspecified()
}
// ANCHOR_END: same_host

// ANCHOR: print
/// Mostra a resposta como veio: bytes crus na saída padrão, e uma quebra de
/// linha no fim.
fn print_reply(reply: &[u8]) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(reply);
    let _ = stdout.write_all(b"\n");
    let _ = stdout.flush();
}
// ANCHOR_END: print

// ANCHOR_END: whole_file

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numero_da_tentativa_vai_e_volta() {
        assert_eq!(numbered(2, "olá".as_bytes()), "#2 olá".as_bytes());
        assert_eq!(unnumbered("#2 OLÁ".as_bytes(), 2), "OLÁ".as_bytes());
        assert_eq!(unnumbered(b"#1 OI", 3), b"OI");
        assert_eq!(unnumbered(b"#7 OI", 3), b"#7 OI");
        assert_eq!(unnumbered(b"no.", 1), b"no.");
        assert_eq!(unnumbered(b"#2 ", 2), b"");
    }
}
// ANCHOR_END: tests
