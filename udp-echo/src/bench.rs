//! `udp-echo bench`: mede um servidor de eco UDP qualquer (o nosso, o Python
//! das notas, o de um colega).
//!
//! Cada cliente é uma thread com o seu socket. Ele mantém `em_voo` datagramas
//! em voo: a cada resposta, envia mais um. Cada datagrama começa com um
//! número de sequência de 16 dígitos (dígitos não mudam em maiúsculas) e
//! segue com letras minúsculas; a resposta tem de ser exatamente o datagrama
//! em maiúsculas (pela mesma regra do servidor, `common::transform`) e vir do
//! endereço do servidor. Cada resposta conta como o que ela é:
//!
//! - certa: a primeira resposta a um datagrama, dentro do `timeout`;
//! - atrasada: chegou depois do `timeout` (o datagrama já conta como perdido);
//! - duplicada: o datagrama já tinha sido respondido;
//! - errada: não é o datagrama em maiúsculas (ou é de um número nunca enviado);
//! - de outro endereço: veio de um IP ou porta que não é o do servidor.
//!
//! Respostas erradas, duplicadas ou de outro endereço fazem o bench sair com
//! erro: uma medida assim não vale como medida do servidor.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use common::bench::{Workers, little, plural};
use common::report::{Fields, Format, Value};
use common::stats::{Latencies, Plan, Ticker, Unit, decimal, per_second, thousands};
use common::udp::wait_over;
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
    /// Quantos datagramas cada cliente mantém em voo.
    pub in_flight: usize,
    /// Por quanto tempo medir.
    pub duration: Duration,
    /// Ou: quantos datagramas cada cliente envia (se dado, vale no lugar da duração).
    pub count: Option<u64>,
    /// Depois de quanto tempo sem resposta um datagrama conta como perdido.
    pub timeout: Duration,
    /// Como mostrar o resultado: tabela, `chave=valor` ou JSON.
    pub format: Format,
}

/// O que um cliente contou.
#[derive(Debug, Default)]
struct Tally {
    sent: u64,
    answered: u64,
    lost: u64,
    late: u64,
    duplicated: u64,
    wrong: u64,
    foreign: u64,
    errors: u64,
    latencies: Latencies,
    /// Quando saiu o último datagrama e quando chegou a última resposta
    /// certa: o fim da medida é o mais tarde dos dois (veja `run`).
    last_send: Option<Instant>,
    last_answer: Option<Instant>,
    /// O primeiro caso de cada problema, explicado, para a mensagem final.
    first: Firsts,
}

/// A primeira resposta errada, duplicada, de outro endereço e o primeiro erro
/// de rede: um exemplo concreto diz mais ao estudante que um contador.
#[derive(Debug, Default)]
struct Firsts {
    wrong: Option<String>,
    duplicated: Option<String>,
    foreign: Option<String>,
    error: Option<String>,
}

impl Firsts {
    fn merge(&mut self, other: Firsts) {
        self.wrong = self.wrong.take().or(other.wrong);
        self.duplicated = self.duplicated.take().or(other.duplicated);
        self.foreign = self.foreign.take().or(other.foreign);
        self.error = self.error.take().or(other.error);
    }
}

/// Guarda `text()` em `slot` se ele ainda estiver vazio.
fn note(slot: &mut Option<String>, text: impl FnOnce() -> String) {
    if slot.is_none() {
        *slot = Some(text());
    }
}

impl common::bench::Tally for Tally {
    /// Soma a este o que outro cliente contou.
    fn add(&mut self, other: Tally) {
        self.sent += other.sent;
        self.answered += other.answered;
        self.lost += other.lost;
        self.late += other.late;
        self.duplicated += other.duplicated;
        self.wrong += other.wrong;
        self.foreign += other.foreign;
        self.errors += other.errors;
        self.latencies.merge(other.latencies);
        self.last_send = self.last_send.max(other.last_send);
        self.last_answer = self.last_answer.max(other.last_answer);
        self.first.merge(other.first);
    }
}

impl Tally {
    /// Por que a medida não vale, se não vale: uma frase por tipo de problema.
    fn problems(&self, server: SocketAddr) -> Vec<String> {
        let mut problems = Vec::new();
        let counted = [
            (self.wrong, "resposta(s) errada(s)", &self.first.wrong),
            (
                self.duplicated,
                "resposta(s) duplicada(s)",
                &self.first.duplicated,
            ),
            (
                self.foreign,
                "resposta(s) de outro endereço",
                &self.first.foreign,
            ),
            (self.errors, "erro(s) de rede", &self.first.error),
        ];
        for (count, what, first) in counted {
            if count > 0 {
                let example = first.as_deref().unwrap_or("sem detalhes");
                problems.push(format!(
                    "{} {what}; a primeira: {example}",
                    thousands(count)
                ));
            }
        }
        if self.answered == 0 {
            let nothing_came = self.wrong + self.duplicated + self.foreign + self.late == 0;
            problems.push(if nothing_came {
                format!("nenhuma resposta certa de {server}: o servidor está rodando nessa porta?")
            } else {
                format!("nenhuma resposta certa de {server}")
            });
        }
        problems
    }
}

/// Roda o bench e mostra o resultado.
pub fn run(config: &Config) -> Result<(), Error> {
    let server = common::address::resolve_one(&config.server, config.port)?;
    let answered = Arc::new(AtomicU64::new(0));
    eprintln!(
        "bench UDP: {server}, {} × {} em voo, {} bytes por datagrama",
        plural(config.clients, "cliente", "clientes"),
        config.in_flight,
        config.size
    );
    // O primeiro Ctrl+C para os envios; o resultado do que foi medido sai igual.
    common::shutdown::stop_on_ctrl_c();
    let started = Instant::now();
    let mut jobs = Vec::new();
    for _ in 0..config.clients {
        let socket = common::udp::client_socket(server)?;
        common::udp::set_read_timeout(&socket, Duration::from_millis(20))
            .map_err(|e| Error::io("não foi possível ajustar o tempo-limite", &e))?;
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
        jobs.push(move || job.run());
    }
    let plan = match config.count {
        Some(count) => Plan::Until(count * config.clients as u64),
        None => Plan::For(config.duration),
    };
    let ticker = Ticker::start(Arc::clone(&answered), Unit::Replies, plan);
    let workers = Workers {
        each: "do cliente",
        option: "--clientes",
    };
    let total: Tally = common::bench::run_all(jobs, workers)?;
    ticker.stop();
    // A medida acaba no último envio ou na última resposta certa, o que vier
    // depois: o tempo que o bench só esperou o `timeout` dos datagramas
    // perdidos no fim não é do servidor (contá-lo baixaria as respostas/s de
    // quem perde um só). Mas o tempo em que ele deixou de responder é: quem
    // responde o primeiro datagrama e mais nada não ganha respostas/s altas.
    let elapsed = total
        .last_send
        .max(total.last_answer)
        .map_or_else(|| started.elapsed(), |last| last - started);
    report(config, &total, elapsed);
    common::bench::verdict(&total.problems(server))
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

/// O que se sabe de cada datagrama, pelo número de sequência. A hora do
/// envio fica em `pending`, só para os que esperam resposta: um byte por
/// datagrama enviado basta aqui, mesmo com milhões deles.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// Enviado, ainda sem resposta (está em `pending`).
    Waiting,
    /// Já respondido (certo ou errado): outra resposta é duplicada.
    Answered,
    /// Passou do `timeout` sem resposta: se ela vier, é atrasada.
    Lost,
}

impl Job {
    fn run(self) -> Tally {
        let mut tally = Tally::default();
        // O destino de cada datagrama enviado (o índice é o número de sequência).
        let mut fates: Vec<Fate> = Vec::new();
        // Os datagramas em voo: (sequência, quando foi enviado).
        let mut pending: Vec<(u64, Instant)> = Vec::with_capacity(self.in_flight);
        let mut message = Vec::with_capacity(self.size);
        let mut buffer = vec![0u8; common::udp::MAX_DATAGRAM];
        loop {
            let now = Instant::now();
            let may_send = match self.count {
                Some(count) => (fates.len() as u64) < count,
                None => now < self.deadline,
            } && !common::shutdown::interrupted();
            while may_send && pending.len() < self.in_flight {
                let seq = fates.len() as u64;
                fill(&mut message, seq, self.size);
                // ANCHOR: clock
                // O relógio parte antes do envio: o RTT inclui o `send_to`.
                let sent_at = Instant::now();
                match self.socket.send_to(&message, self.server) {
                    // ANCHOR_END: clock
                    Ok(_) => {
                        fates.push(Fate::Waiting);
                        pending.push((seq, sent_at));
                        tally.sent += 1;
                        tally.last_send = Some(sent_at);
                    }
                    Err(err) => {
                        fates.push(Fate::Lost);
                        tally.errors += 1;
                        note(&mut tally.first.error, || {
                            format!("ao enviar: {}", common::error::describe(&err))
                        });
                    }
                }
                if self.count.is_some_and(|count| fates.len() as u64 >= count) {
                    break;
                }
            }
            if pending.is_empty() && !may_send {
                return tally;
            }
            match common::udp::recv_from(&self.socket, &mut buffer) {
                Ok(datagram) if datagram.from != self.server => {
                    tally.foreign += 1;
                    note(&mut tally.first.foreign, || {
                        format!(
                            "veio de {}, mas o servidor é {}",
                            datagram.from, self.server
                        )
                    });
                }
                Ok(datagram) => self.check(
                    &buffer[..datagram.len],
                    &mut fates,
                    &mut pending,
                    &mut tally,
                ),
                Err(err) if wait_over(&err) => {}
                Err(err) => {
                    tally.errors += 1;
                    note(&mut tally.first.error, || {
                        format!("ao receber: {}", common::error::describe(&err))
                    });
                }
            }
            // Quem passou do timeout sem resposta foi perdido.
            pending.retain(|&(seq, sent_at)| {
                let alive = sent_at.elapsed() < self.timeout;
                if !alive {
                    fates[seq as usize] = Fate::Lost;
                    tally.lost += 1;
                }
                alive
            });
        }
    }

    // ANCHOR: check
    /// Confere uma resposta: de qual datagrama é, se chegou a tempo, se é a
    /// primeira e se veio certa.
    fn check(
        &self,
        reply: &[u8],
        fates: &mut [Fate],
        pending: &mut Vec<(u64, Instant)>,
        tally: &mut Tally,
    ) {
        let Some((seq, fate)) =
            sequence(reply).and_then(|seq| Some((seq, fates.get_mut(seq as usize)?)))
        else {
            tally.wrong += 1;
            note(&mut tally.first.wrong, || {
                format!(
                    "não começa pelo número de um datagrama enviado: {}",
                    common::log::preview(reply, 40)
                )
            });
            return;
        };
        match *fate {
            Fate::Waiting => {}
            Fate::Answered => {
                tally.duplicated += 1;
                note(&mut tally.first.duplicated, || {
                    format!("o datagrama {seq} foi respondido mais de uma vez")
                });
                return;
            }
            Fate::Lost => {
                tally.late += 1;
                return;
            }
        }
        let Some(index) = pending.iter().position(|&(s, _)| s == seq) else {
            return;
        };
        let (_, sent_at) = pending.swap_remove(index);
        let rtt = sent_at.elapsed();
        if rtt >= self.timeout {
            // Chegou, mas depois do tempo-limite: conta como perdido e atrasado.
            *fate = Fate::Lost;
            tally.lost += 1;
            tally.late += 1;
            return;
        }
        *fate = Fate::Answered;
        let mut message = Vec::with_capacity(self.size);
        fill(&mut message, seq, self.size);
        // A resposta esperada pela regra do próprio servidor, não por uma cópia dela.
        let mut expected = Vec::with_capacity(self.size);
        common::transform::push_upper_no_longer(&message, &mut expected);
        if reply == expected.as_slice() {
            tally.latencies.record(rtt);
            tally.answered += 1;
            tally.last_answer = Some(Instant::now());
            self.answered.fetch_add(1, Ordering::Relaxed);
        } else {
            tally.wrong += 1;
            note(&mut tally.first.wrong, || {
                format!(
                    "ao datagrama {seq} veio {}, e não {}",
                    common::log::preview(reply, 40),
                    common::log::preview(&expected, 40)
                )
            });
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

fn report(config: &Config, total: &Tally, elapsed: Duration) {
    let rate = per_second(total.answered, elapsed);
    let loss = if total.sent == 0 {
        0.0
    } else {
        100.0 * total.lost as f64 / total.sent as f64
    };
    let rtt = total.latencies.clone().summary();
    let interrupted = common::shutdown::interrupted();
    if config.format != Format::Texto {
        Fields::default()
            .with("protocolo", Value::Text("udp"))
            .with("modo", Value::Text("ping"))
            .with("clientes", Value::Count(config.clients as u64))
            .with("em_voo", Value::Count(config.in_flight as u64))
            .with("tamanho", Value::Count(config.size as u64))
            .with("segundos", Value::Number(elapsed.as_secs_f64(), 3))
            .with("interrompido", Value::Flag(interrupted))
            .with("enviados", Value::Count(total.sent))
            .with("respondidos", Value::Count(total.answered))
            .with("perdidos", Value::Count(total.lost))
            .with("atrasados", Value::Count(total.late))
            .with("duplicados", Value::Count(total.duplicated))
            .with("errados", Value::Count(total.wrong))
            .with("outro_endereco", Value::Count(total.foreign))
            .with("erros", Value::Count(total.errors))
            .with("por_segundo", Value::Number(rate, 0))
            .with("p50_us", Value::Count(rtt.p50.into()))
            .with("p99_us", Value::Count(rtt.p99.into()))
            .with("max_us", Value::Count(rtt.max.into()))
            .with("media_us", Value::Number(rtt.mean, 1))
            .with("a_caminho_medido", Value::Number(little(rate, rtt.mean), 2))
            .print(config.format);
        return;
    }
    out!();
    out!(
        "Resultado: UDP, {} × {} em voo, {} bytes, {} s{}",
        plural(config.clients, "cliente", "clientes"),
        config.in_flight,
        config.size,
        decimal(elapsed.as_secs_f64(), 2),
        if interrupted {
            " (interrompido pelo Ctrl+C)"
        } else {
            ""
        }
    );
    out!("  enviados            {:>12}", thousands(total.sent));
    out!("  respondidos         {:>12}", thousands(total.answered));
    out!(
        "  perdidos            {:>12}  ({} %)",
        thousands(total.lost),
        decimal(loss, 2)
    );
    out!("  respostas atrasadas {:>12}", thousands(total.late));
    out!("  respostas duplicadas{:>12}", thousands(total.duplicated));
    out!("  respostas erradas   {:>12}", thousands(total.wrong));
    out!("  de outro endereço   {:>12}", thousands(total.foreign));
    out!("  erros de rede       {:>12}", thousands(total.errors));
    out!("  respostas/s         {:>12}", thousands(rate as u64));
    // Sem nenhuma resposta certa, não há RTT para mostrar (nem um "0 µs").
    if total.latencies.is_empty() {
        return;
    }
    out!("  RTT p50             {:>12} µs", thousands(rtt.p50.into()));
    out!("  RTT p99             {:>12} µs", thousands(rtt.p99.into()));
    out!("  RTT máx             {:>12} µs", thousands(rtt.max.into()));
    out!(
        "  respostas/s × RTT   {:>12}  (em voo: {})",
        decimal(little(rate, rtt.mean), 2),
        config.clients * config.in_flight
    );
}
