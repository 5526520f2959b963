//! `udp-echo bench`: mede um servidor de eco UDP qualquer (o nosso, o Python
//! das notas, o de um colega).
//!
//! Cada cliente é uma thread com o seu socket. Ele mantém `em_voo` datagramas
//! a caminho: a cada resposta, envia mais um. Cada datagrama começa com um
//! número de sequência de 16 dígitos (dígitos não mudam em maiúsculas) e
//! segue com letras minúsculas; a resposta tem de ser exatamente o datagrama
//! em maiúsculas. Um datagrama sem resposta depois do `timeout` conta como
//! perdido; uma resposta a um datagrama já dado como perdido conta como
//! atrasada.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::stats::{Latencies, Ticker, decimal, per_second, thousands};
use common::{Error, out};

/// O tamanho mínimo de um datagrama do bench: o número de sequência.
pub const MIN_SIZE: usize = 16;

/// O que o bench precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Nome ou IP do servidor.
    pub server: String,
    /// Porta do servidor.
    pub port: u16,
    /// Quantos clientes (threads, cada uma com um socket).
    pub clients: usize,
    /// Tamanho de cada datagrama, em bytes.
    pub size: usize,
    /// Quantos datagramas cada cliente mantém a caminho.
    pub in_flight: usize,
    /// Por quanto tempo medir.
    pub duration: Duration,
    /// Ou: quantos datagramas cada cliente envia (se dado, vale no lugar da duração).
    pub count: Option<u64>,
    /// Depois de quanto tempo sem resposta um datagrama conta como perdido.
    pub timeout: Duration,
}

/// O que um cliente contou.
#[derive(Debug, Default)]
struct Tally {
    sent: u64,
    answered: u64,
    lost: u64,
    late: u64,
    wrong: u64,
    errors: u64,
    latencies: Latencies,
}

impl Tally {
    /// Soma a este o que outro cliente contou.
    fn add(&mut self, other: Tally) {
        self.sent += other.sent;
        self.answered += other.answered;
        self.lost += other.lost;
        self.late += other.late;
        self.wrong += other.wrong;
        self.errors += other.errors;
        self.latencies.merge(other.latencies);
    }
}

/// Roda o bench e mostra o resultado.
pub fn run(config: &Config) -> Result<(), Error> {
    let server = common::address::resolve_one(&config.server, config.port)?;
    let answered = Arc::new(AtomicU64::new(0));
    eprintln!(
        "bench UDP: {server}, {} × {} em voo, {} bytes por datagrama",
        plural(config.clients),
        config.in_flight,
        config.size
    );
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..config.clients {
        let socket = common::udp::client_socket(server)?;
        common::udp::set_read_timeout(&socket, Duration::from_millis(20))
            .map_err(|e| Error::io("não foi possível ajustar o timeout", &e))?;
        let job = Job {
            socket,
            server,
            size: config.size,
            in_flight: config.in_flight,
            deadline: started + config.duration,
            count: config.count,
            timeout: config.timeout,
            answered: Arc::clone(&answered),
        };
        let worker = thread::Builder::new()
            .spawn(move || job.run())
            .map_err(|_| thread_refused(workers.len() + 1, config.clients))?;
        workers.push(worker);
    }
    let ticker = Ticker::start(Arc::clone(&answered), "respostas/s");
    let mut total = Tally::default();
    for worker in workers {
        let tally = worker
            .join()
            .map_err(|_| Error::new("uma thread do bench falhou"))?;
        total.add(tally);
    }
    let elapsed = started.elapsed();
    ticker.stop();
    report(config, &total, elapsed);
    if total.answered == 0 {
        return Err(Error::new(format!(
            "nenhuma resposta de {server}: o servidor está rodando nessa porta?"
        )));
    }
    Ok(())
}

/// O trabalho de um cliente.
struct Job {
    socket: UdpSocket,
    server: SocketAddr,
    size: usize,
    in_flight: usize,
    deadline: Instant,
    count: Option<u64>,
    timeout: Duration,
    answered: Arc<AtomicU64>,
}

impl Job {
    fn run(self) -> Tally {
        let mut tally = Tally::default();
        // Os datagramas a caminho: (sequência, quando foi enviado).
        let mut pending: Vec<(u64, Instant)> = Vec::with_capacity(self.in_flight);
        let mut next_seq = 0u64;
        let mut message = Vec::with_capacity(self.size);
        let mut buffer = vec![0u8; common::udp::MAX_DATAGRAM];
        loop {
            let now = Instant::now();
            let may_send = match self.count {
                Some(count) => next_seq < count,
                None => now < self.deadline,
            };
            while may_send && pending.len() < self.in_flight {
                fill(&mut message, next_seq, self.size);
                match self.socket.send_to(&message, self.server) {
                    Ok(_) => {
                        pending.push((next_seq, Instant::now()));
                        tally.sent += 1;
                    }
                    Err(_) => tally.errors += 1,
                }
                next_seq += 1;
                if self.count.is_some_and(|count| next_seq >= count) {
                    break;
                }
            }
            if pending.is_empty() && !may_send {
                return tally;
            }
            match common::udp::recv_from(&self.socket, &mut buffer) {
                Ok(datagram) => self.check(&buffer[..datagram.len], &mut pending, &mut tally),
                Err(err) if is_timeout(&err) => {}
                Err(_) => tally.errors += 1,
            }
            // Quem passou do timeout sem resposta foi perdido.
            let before = pending.len();
            pending.retain(|(_, sent)| sent.elapsed() < self.timeout);
            tally.lost += (before - pending.len()) as u64;
        }
    }

    // ANCHOR: check
    /// Confere uma resposta: de qual datagrama é, e se veio certa.
    fn check(&self, reply: &[u8], pending: &mut Vec<(u64, Instant)>, tally: &mut Tally) {
        let Some(seq) = sequence(reply) else {
            tally.wrong += 1;
            return;
        };
        let Some(index) = pending.iter().position(|(s, _)| *s == seq) else {
            tally.late += 1;
            return;
        };
        let (_, sent) = pending.swap_remove(index);
        tally.latencies.record(sent.elapsed());
        let mut expected = Vec::with_capacity(self.size);
        fill(&mut expected, seq, self.size);
        expected.make_ascii_uppercase();
        if reply == expected.as_slice() {
            tally.answered += 1;
            self.answered.fetch_add(1, Ordering::Relaxed);
        } else {
            tally.wrong += 1;
        }
    }
    // ANCHOR_END: check
}

// ANCHOR: payload
/// O datagrama número `seq`: 16 dígitos e letras minúsculas até `size` bytes.
fn fill(message: &mut Vec<u8>, seq: u64, size: usize) {
    message.clear();
    message.extend_from_slice(format!("{seq:016}").as_bytes());
    message.extend((0..size.saturating_sub(MIN_SIZE)).map(|i| b'a' + (i % 26) as u8));
}

/// O número de sequência do começo de uma resposta, se houver.
fn sequence(reply: &[u8]) -> Option<u64> {
    std::str::from_utf8(reply.get(..MIN_SIZE)?)
        .ok()?
        .parse()
        .ok()
}
// ANCHOR_END: payload

fn is_timeout(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

fn report(config: &Config, total: &Tally, elapsed: Duration) {
    let rate = per_second(total.answered, elapsed);
    let loss = if total.sent == 0 {
        0.0
    } else {
        100.0 * total.lost as f64 / total.sent as f64
    };
    let rtt = total.latencies.clone().summary();
    out!();
    out!(
        "Resultado: UDP, {} × {} em voo, {} bytes, {} s",
        plural(config.clients),
        config.in_flight,
        config.size,
        decimal(elapsed.as_secs_f64(), 2)
    );
    out!("  enviados            {:>12}", thousands(total.sent));
    out!("  respondidos         {:>12}", thousands(total.answered));
    out!(
        "  perdidos            {:>12}  ({} %)",
        thousands(total.lost),
        decimal(loss, 2)
    );
    out!("  respostas atrasadas {:>12}", thousands(total.late));
    out!("  respostas erradas   {:>12}", thousands(total.wrong));
    out!("  erros de envio      {:>12}", thousands(total.errors));
    out!("  respostas/s         {:>12}", thousands(rate as u64));
    out!("  RTT p50             {:>12} µs", thousands(rtt.p50.into()));
    out!("  RTT p99             {:>12} µs", thousands(rtt.p99.into()));
    out!("  RTT máx             {:>12} µs", thousands(rtt.max.into()));
    out!(
        "RESULTADO protocolo=udp modo=ping clientes={} em_voo={} tamanho={} segundos={:.3} \
         enviados={} respondidos={} perdidos={} atrasados={} errados={} erros={} \
         por_segundo={:.0} p50_us={} p99_us={} max_us={}",
        config.clients,
        config.in_flight,
        config.size,
        elapsed.as_secs_f64(),
        total.sent,
        total.answered,
        total.lost,
        total.late,
        total.wrong,
        total.errors,
        rate,
        rtt.p50,
        rtt.p99,
        rtt.max
    );
}

/// A thread de um cliente não pôde ser criada. O erro do sistema (`EAGAIN`)
/// diria "recurso temporariamente indisponível", o que não ajuda: o que falta
/// é memória para a pilha da thread ou vaga no limite de threads do usuário.
fn thread_refused(n: usize, total: usize) -> Error {
    Error::new(format!(
        "o sistema não deixou criar a thread do cliente {n} de {total} (falta memória \
         para a pilha dela, ou o limite de threads do usuário foi atingido; veja \
         `ulimit -u` e `ulimit -v`); tente menos --clientes"
    ))
}

/// `1 cliente`, `4 clientes`.
fn plural(n: usize) -> String {
    format!("{n} {}", if n == 1 { "cliente" } else { "clientes" })
}
