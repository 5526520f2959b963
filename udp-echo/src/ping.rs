//! `udp-echo ping`: o "UDP pinger" do laboratório clássico de redes.
//!
//! Envia `contagem` pings, um a cada `intervalo`. Cada ping leva um número de
//! sequência e a hora do envio: `ping 7 1732500000123456`. O servidor de eco
//! devolve `PING 7 1732500000123456`, e o número diz **a qual ping** a
//! resposta pertence. Assim, uma resposta que chega depois do tempo-limite é
//! reconhecida como atrasada (e não confundida com a do ping atual), e uma
//! resposta repetida é reconhecida como duplicada. Uma resposta que não é o
//! ping em maiúsculas (pela regra de `common::transform`) não é resposta: é
//! relatada como errada e o ping continua esperando. O resumo conta cada
//! caso, e o pinger sai com erro se alguma resposta veio errada ou se nenhum
//! ping teve resposta.
//!
//! Como o `ping` do sistema, o Ctrl+C para de enviar e mostra o resumo do
//! que foi medido até ali.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::stats::{Latencies, decimal};
use common::udp::wait_over;
use common::{Error, out};

/// O que o pinger precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Nome ou IP do servidor.
    pub server: String,
    /// Porta do servidor.
    pub port: u16,
    /// Quantos pings enviar.
    pub count: u32,
    /// Tempo entre um ping e o seguinte.
    pub interval: Duration,
    /// Quanto esperar pela resposta de cada ping.
    pub timeout: Duration,
}

// ANCHOR: tally
/// O que o pinger contou, para o resumo.
#[derive(Debug, Default)]
pub struct Tally {
    /// O RTT de cada resposta certa.
    pub latencies: Latencies,
    /// Respostas que chegaram depois do tempo-limite.
    pub late: u32,
    /// Respostas repetidas (o ping já tinha sido respondido).
    pub duplicated: u32,
    /// Respostas que não são um ping nosso em maiúsculas, ou a um ping não enviado.
    pub wrong: u32,
    /// Datagramas de outro endereço, que não o do servidor.
    pub foreign: u32,
}
// ANCHOR_END: tally

// ANCHOR: fate
/// O que se sabe de cada ping, pelo número de sequência (o índice é `seq - 1`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// Enviado em `Instant`, ainda sem resposta.
    Waiting(Instant),
    /// Respondido a tempo.
    Answered,
    /// Deu tempo esgotado (se a resposta vier, é atrasada).
    TimedOut(Instant),
}
// ANCHOR_END: fate

/// Roda o pinger e mostra o resumo. Erro se nenhum ping teve resposta, ou se
/// alguma resposta veio errada.
pub fn run(config: &Config) -> Result<(), Error> {
    let server = common::address::resolve_one(&config.server, config.port)?;
    let socket = common::udp::client_socket(server)?;
    out!(
        "PING {server}: {} pings, um a cada {} s, tempo-limite de {} s",
        config.count,
        decimal(config.interval.as_secs_f64(), 3),
        decimal(config.timeout.as_secs_f64(), 3)
    );
    common::shutdown::stop_on_ctrl_c();
    let mut fates: Vec<Fate> = Vec::with_capacity(config.count as usize);
    let mut tally = Tally::default();
    let mut received = 0u32;
    // ANCHOR: loop
    for seq in 1..=config.count {
        if common::shutdown::interrupted() {
            break;
        }
        let sent_at = Instant::now();
        let message = ping_message(seq, unix_micros());
        socket
            .send_to(message.as_bytes(), server)
            .map_err(|e| Error::io(format!("não foi possível enviar para {server}"), &e))?;
        fates.push(Fate::Waiting(sent_at));
        // Espera a resposta deste ping até o tempo-limite...
        let deadline = sent_at + config.timeout;
        let answered = listen_until(&socket, server, &mut fates, &mut tally, seq, deadline)?;
        if answered {
            received += 1;
        } else if !common::shutdown::interrupted() {
            out!("ping {seq}: Tempo esgotado");
            fates[seq as usize - 1] = Fate::TimedOut(sent_at);
        }
        // ...e, até a hora do próximo, ainda escuta respostas atrasadas.
        if seq < config.count {
            let next = sent_at + config.interval;
            listen_until(&socket, server, &mut fates, &mut tally, 0, next)?;
        }
    }
    // ANCHOR_END: loop
    // Com Ctrl+C, os enviados são os que saíram (o último pode ter ficado
    // sem resposta: conta como perdido, como no `ping` do sistema).
    let sent = fates.len() as u32;
    summary(server, sent, received, &tally);
    let mut problems = Vec::new();
    if tally.wrong > 0 {
        problems.push(format!(
            "{} resposta(s) errada(s) de {server}: o servidor não devolveu o ping em maiúsculas",
            tally.wrong
        ));
    }
    if received == 0 {
        problems.push(format!("nenhum dos {sent} pings teve resposta de {server}"));
    }
    if !problems.is_empty() {
        return Err(Error::new(problems.join("; ")));
    }
    Ok(())
}

/// Chama `listen` em pedaços de no máximo 100 ms até `deadline`, para um
/// Ctrl+C não esperar o tempo-limite inteiro. Devolve o que `listen` devolve.
fn listen_until(
    socket: &UdpSocket,
    server: SocketAddr,
    fates: &mut [Fate],
    tally: &mut Tally,
    current: u32,
    deadline: Instant,
) -> Result<bool, Error> {
    loop {
        let rest = deadline.saturating_duration_since(Instant::now());
        if rest.is_zero() || common::shutdown::interrupted() {
            return Ok(false);
        }
        let slice = rest.min(Duration::from_millis(100));
        if listen(socket, server, fates, tally, current, slice)? {
            return Ok(true);
        }
    }
}

// ANCHOR: listen
/// Escuta respostas por até `wait`. Devolve `true` assim que chega a resposta
/// do ping `current` (0: nenhum ping é o atual; só relata o que chegar).
fn listen(
    socket: &UdpSocket,
    server: SocketAddr,
    fates: &mut [Fate],
    tally: &mut Tally,
    current: u32,
    wait: Duration,
) -> Result<bool, Error> {
    // EXERCÍCIO 8: INÍCIO
    let deadline = Instant::now() + wait;
    let mut buffer = [0u8; 2048];
    loop {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Ok(false);
        }
        common::udp::set_read_timeout(socket, remaining)
            .map_err(|e| Error::io("não foi possível ajustar o tempo-limite", &e))?;
        let datagram = match common::udp::recv_from(socket, &mut buffer) {
            Ok(datagram) => datagram,
            Err(err) if wait_over(&err) => return Ok(false),
            Err(err) => return Err(Error::io("não foi possível receber", &err)),
        };
        if datagram.from != server {
            tally.foreign += 1;
            out!(
                "datagrama de {}, que não é o servidor: ignorado",
                datagram.from
            );
            continue;
        }
        let reply = &buffer[..datagram.len];
        let Some(seq) = sequence_of(reply) else {
            tally.wrong += 1;
            out!(
                "resposta ERRADA (não é um ping em maiúsculas): {}",
                common::log::preview(reply, 40)
            );
            continue;
        };
        let Some(fate) = seq.checked_sub(1).and_then(|i| fates.get_mut(i as usize)) else {
            tally.wrong += 1;
            out!("resposta ao ping {seq}, que não foi enviado");
            continue;
        };
        match *fate {
            Fate::Waiting(sent_at) => {
                let rtt = sent_at.elapsed();
                tally.latencies.record(rtt);
                *fate = Fate::Answered;
                out!(
                    "resposta de {}: seq={seq} tempo={} ms",
                    datagram.from,
                    millis(rtt)
                );
                if seq == current {
                    return Ok(true);
                }
            }
            Fate::TimedOut(sent_at) => {
                tally.late += 1;
                out!(
                    "resposta ATRASADA ao ping {seq}: chegou {} ms depois do envio, após o tempo-limite",
                    millis(sent_at.elapsed())
                );
            }
            Fate::Answered => {
                tally.duplicated += 1;
                out!("resposta DUPLICADA ao ping {seq}");
            }
        }
    }
    // EXERCÍCIO 8: FIM
}
// ANCHOR_END: listen

/// O número de sequência de uma resposta `PING 7 1732500000123456`; `None`
/// se a resposta não é exatamente um ping nosso em maiúsculas (`ping 7 ...`
/// sem mudança, ou `PING 7` com outra coisa no fim, não são respostas
/// certas). Qualquer um pode mandar qualquer coisa para a nossa porta: nenhum
/// conjunto de bytes faz esta função entrar em pânico (há um alvo de fuzzing
/// para isso, em `common/fuzz`).
pub fn sequence_of(reply: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(reply).ok()?;
    let mut words = text.split(' ');
    let (_, seq, stamp) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() {
        return None;
    }
    let seq: u32 = seq.parse().ok()?;
    let stamp: u128 = stamp.parse().ok()?;
    // A resposta certa é o ping que teríamos enviado, pela regra do servidor
    // UDP (a que nunca aumenta o datagrama).
    let mut expected = Vec::with_capacity(reply.len());
    common::transform::push_upper_no_longer(ping_message(seq, stamp).as_bytes(), &mut expected);
    (expected == reply).then_some(seq)
}

/// O ping número `seq`, enviado no instante `stamp` (µs desde 1970).
fn ping_message(seq: u32, stamp: u128) -> String {
    format!("ping {seq} {stamp}")
}

// ANCHOR: summary
/// O resumo no formato do `ping` do sistema.
fn summary(server: SocketAddr, sent: u32, received: u32, tally: &Tally) {
    let loss = if sent == 0 {
        0.0
    } else {
        100.0 * f64::from(sent - received) / f64::from(sent)
    };
    out!();
    out!("--- {server}: estatísticas do ping ---");
    // Como o `ping` do sistema ("+1 duplicates"): os outros casos só aparecem
    // quando acontecem.
    let mut extras = String::new();
    for (count, what) in [
        (tally.duplicated, "duplicada(s)"),
        (tally.late, "atrasada(s)"),
        (tally.wrong, "errada(s)"),
        (tally.foreign, "de outro endereço"),
    ] {
        if count > 0 {
            extras.push_str(&format!(", +{count} {what}"));
        }
    }
    out!(
        "{sent} enviados, {received} recebidos, {} % de perda{extras}",
        decimal(loss, 1)
    );
    if !tally.latencies.is_empty() {
        let rtt = tally.latencies.clone().summary();
        let ms = |micros: f64| decimal(micros / 1000.0, 3);
        out!(
            "rtt mín/méd/máx/mdev = {}/{}/{}/{} ms",
            ms(rtt.min.into()),
            ms(rtt.mean),
            ms(rtt.max.into()),
            ms(rtt.mdev)
        );
    }
}
// ANCHOR_END: summary

fn millis(duration: Duration) -> String {
    decimal(duration.as_secs_f64() * 1000.0, 3)
}

/// Microssegundos desde 1970: a "hora do envio" que vai dentro do ping.
fn unix_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

#[cfg(test)]
mod tests {
    use super::sequence_of;

    #[test]
    fn numero_de_sequencia_da_resposta() {
        assert_eq!(sequence_of(b"PING 7 1732500000123456"), Some(7));
        assert_eq!(sequence_of(b"PING 12 0"), Some(12));
        // Não está em maiúsculas, ou não é o que enviamos: não é resposta.
        assert_eq!(sequence_of(b"ping 12 0"), None);
        assert_eq!(sequence_of(b"Ping 12 0"), None);
        assert_eq!(sequence_of(b"PING 12 0 extra"), None);
        assert_eq!(sequence_of(b"PING 012 0"), None);
        assert_eq!(sequence_of(b"PING 12"), None);
        assert_eq!(sequence_of(b"PONG 7 1"), None);
        assert_eq!(sequence_of(b"PING x"), None);
        assert_eq!(sequence_of(b"\xff"), None);
    }
}
