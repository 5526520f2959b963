//! `tcp-echo bench`: mede um servidor de eco TCP qualquer (o nosso, o Python
//! das notas, o de um colega). Quatro modos:
//!
//! - `ping`: cada conexão manda uma mensagem e espera a resposta, de novo e de
//!   novo (com `--em-voo` > 1, mantém várias em voo). Mede respostas/s e RTT.
//! - `fluxo`: cada conexão envia um volume grande (`--mib`) enquanto lê o
//!   eco, conferido byte a byte. Mede MiB/s.
//! - `conexoes`: abre `--conexoes` conexões de uma vez, cada uma manda uma
//!   linha; mede quanto tempo até todas terem resposta; espera `--espera` e
//!   confere que todas ainda respondem a uma segunda linha.
//! - `uma-por-conexao`: cada cliente abre uma conexão, manda uma mensagem, lê a
//!   resposta até o fim e fecha; de novo e de novo. Mede conexões/s.
//!
//! Toda resposta é conferida: tem de ser exatamente o que foi enviado, em
//! maiúsculas. As mensagens são letras minúsculas ASCII, então o tamanho não
//! muda. No modo `ping`, cada mensagem é diferente da anterior (começa pelo
//! seu número, escrito em letras): um servidor que responde duas vezes, ou
//! responde a mensagem errada, é pego na primeira resposta fora do lugar.
//!
//! Uma resposta errada ou um erro de rede fazem o bench sair com erro, com o
//! primeiro caso de cada um explicado: uma medida assim não vale.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::bench::{THREAD_STACK, Workers, little, plural};
use common::report::{Fields, Format, Value};
use common::stats::{Latencies, Plan, Ticker, Unit, decimal, per_second, thousands};
use common::{Error, out};

/// O que medir (os nomes são os da linha de comando; veja o começo do arquivo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Ping,
    Fluxo,
    Conexoes,
    UmaPorConexao,
}

impl Mode {
    /// O nome do modo na linha de comando (`uma-por-conexao`).
    fn name(self) -> &'static str {
        match self {
            Mode::Ping => "ping",
            Mode::Fluxo => "fluxo",
            Mode::Conexoes => "conexoes",
            Mode::UmaPorConexao => "uma-por-conexao",
        }
    }
}

/// O que o bench precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Nome ou IP do servidor.
    pub server: String,
    /// Porta do servidor.
    pub port: u16,
    /// O modo de medir.
    pub mode: Mode,
    /// Quantas conexões (ou clientes) ao mesmo tempo.
    pub connections: usize,
    /// Tamanho de cada mensagem, em bytes.
    pub size: usize,
    /// Quantas mensagens cada conexão mantém em voo (modo ping).
    pub in_flight: usize,
    /// Em quantos `write` cada mensagem é enviada (modo ping): com 2 ou mais
    /// e o Nagle ligado no servidor, aparece a espera do ACK atrasado.
    pub parts: usize,
    /// Por quanto tempo medir (ping e uma-por-conexao).
    pub duration: Duration,
    /// Ou: quantas mensagens cada conexão envia.
    pub count: Option<u64>,
    /// Quantos MiB cada conexão envia (modo fluxo).
    pub mebibytes: u64,
    /// Quanto tempo segurar as conexões abertas (modo conexoes).
    pub hold: Duration,
    /// Limite para conectar e para cada leitura.
    pub timeout: Duration,
    /// Como mostrar o resultado: tabela, `chave=valor` ou JSON.
    pub format: Format,
    /// Modo fluxo: o `TCP_INFO` gravado e o leitor lento (veja `observe.rs`).
    pub observe: crate::observe::Observe,
}

/// O que as conexões contaram.
#[derive(Debug, Default)]
struct Tally {
    connections: u64,
    answered: u64,
    bytes: u64,
    wrong: u64,
    errors: u64,
    second_answered: u64,
    latencies: Latencies,
    /// A primeira resposta errada e o primeiro erro, explicados.
    first_wrong: Option<String>,
    first_error: Option<String>,
    /// Modo conexoes: do primeiro `connect` à última resposta.
    window: Option<(Instant, Instant)>,
}

impl common::bench::Tally for Tally {
    fn add(&mut self, other: Tally) {
        self.connections += other.connections;
        self.answered += other.answered;
        self.bytes += other.bytes;
        self.wrong += other.wrong;
        self.errors += other.errors;
        self.second_answered += other.second_answered;
        self.latencies.merge(other.latencies);
        self.first_wrong = self.first_wrong.take().or(other.first_wrong);
        self.first_error = self.first_error.take().or(other.first_error);
        self.window = match (self.window, other.window) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
    }
}

impl Tally {
    /// Conta uma resposta errada; a primeira fica guardada, explicada.
    fn wrong(&mut self, text: impl FnOnce() -> String) {
        self.wrong += 1;
        if self.first_wrong.is_none() {
            self.first_wrong = Some(text());
        }
    }

    /// Por que a medida não vale, se não vale: uma frase por tipo de problema.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.wrong > 0 {
            problems.push(format!(
                "{} resposta(s) errada(s); a primeira: {}",
                thousands(self.wrong),
                self.first_wrong.as_deref().unwrap_or("sem detalhes")
            ));
        }
        if self.errors > 0 {
            problems.push(format!(
                "{} erro(s) de rede; o primeiro: {}",
                thousands(self.errors),
                self.first_error.as_deref().unwrap_or("sem detalhes")
            ));
        }
        if self.answered == 0 {
            problems.push("nenhuma resposta certa do servidor".to_string());
        }
        problems
    }
}

/// Roda o bench e mostra o resultado.
pub fn run(config: &Config) -> Result<(), Error> {
    let addresses = common::address::resolve(&config.server, config.port)?;
    eprintln!(
        "bench TCP ({}): {}, {}",
        config.mode.name(),
        addresses[0],
        plural(config.connections, "conexão", "conexões")
    );
    // O primeiro Ctrl+C para os envios; o resultado do que foi medido sai igual.
    common::shutdown::stop_on_ctrl_c();
    config
        .observe
        .check(config.mode == Mode::Fluxo && config.connections == 1)?;
    check_memory(config)?;
    let progress = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (unit, plan) = progress_of(config);
    let ticker = Ticker::start(Arc::clone(&progress), unit, plan);
    let barrier = Arc::new(Barrier::new(config.connections));
    let jobs: Vec<_> = (0..config.connections)
        .map(|_| {
            let job = Job {
                addresses: addresses.clone(),
                size: config.size,
                in_flight: config.in_flight,
                parts: config.parts,
                deadline: started + config.duration,
                count: config.count,
                bytes: config.mebibytes * 1024 * 1024,
                hold: config.hold,
                timeout: config.timeout,
                barrier: Arc::clone(&barrier),
                progress: Arc::clone(&progress),
                observe: config.observe.clone(),
            };
            let mode = config.mode;
            move || job.run(mode)
        })
        .collect();
    let workers = Workers {
        each: "da conexão",
        option: "--conexoes",
    };
    let total: Tally = common::bench::run_all(jobs, workers)?;
    let elapsed = started.elapsed();
    ticker.stop();
    report(config, &total, elapsed);
    common::bench::verdict(&total.problems())
}

/// Confere, antes de começar, se a memória que as conexões vão pedir cabe: a
/// pilha de cada thread e as mensagens que cada uma guarda ao mesmo tempo.
/// Sem isto, `--conexoes 2000 --tamanho 1048576` sob um `ulimit -v` de 1 GB
/// começaria e abortaria no meio ("memory allocation failed"), sem resultado.
fn check_memory(config: &Config) -> Result<(), Error> {
    let per_connection = match config.mode {
        // A mensagem, a resposta, a resposta esperada e a próxima mensagem.
        Mode::Ping | Mode::UmaPorConexao => 4 * config.size,
        // A thread que envia, e os pedaços de 64 KiB dos dois lados.
        Mode::Fluxo => THREAD_STACK + 4 * (64 * 1024 + 26),
        Mode::Conexoes => 1024,
    };
    let needed = config
        .connections
        .saturating_mul(THREAD_STACK + per_connection);
    if common::memory::fits(needed) {
        return Ok(());
    }
    Err(Error::new(format!(
        "sem memória: {} no modo {} pedem cerca de {} MiB, e o kernel não tem isso para \
         este processo (veja `ulimit -v`); tente menos --conexoes ou um --tamanho menor",
        plural(config.connections, "conexão", "conexões"),
        config.mode.name(),
        thousands((needed >> 20) as u64)
    )))
}

/// O trabalho de uma conexão (ou de um cliente, no modo uma-por-conexao).
struct Job {
    addresses: Vec<SocketAddr>,
    size: usize,
    in_flight: usize,
    parts: usize,
    deadline: Instant,
    count: Option<u64>,
    bytes: u64,
    hold: Duration,
    timeout: Duration,
    barrier: Arc<Barrier>,
    progress: Arc<AtomicU64>,
    observe: crate::observe::Observe,
}

impl Job {
    fn run(self, mode: Mode) -> Tally {
        let mut tally = Tally::default();
        let outcome = match mode {
            Mode::Ping => self.ping(&mut tally),
            Mode::Fluxo => self.stream(&mut tally),
            Mode::Conexoes => self.many(&mut tally),
            Mode::UmaPorConexao => self.one_per_connection(&mut tally),
        };
        if let Err(err) = outcome {
            tally.errors += 1;
            if tally.first_error.is_none() {
                tally.first_error = Some(common::error::describe(&err));
            }
        }
        tally
    }

    fn connect(&self) -> io::Result<TcpStream> {
        common::tcp::connect(&self.addresses, self.timeout)
            // O erro já vem explicado em português; `describe` o reconhece.
            .map_err(io::Error::other)
    }

    fn may_send(&self, sent: u64) -> bool {
        let planned = match self.count {
            Some(count) => sent < count,
            None => Instant::now() < self.deadline,
        };
        planned && !common::shutdown::interrupted()
    }

    // ANCHOR: ping
    fn ping(&self, tally: &mut Tally) -> io::Result<()> {
        // EXERCÍCIO 7: INÍCIO
        let mut stream = self.connect()?;
        tally.connections += 1;
        let mut reply = vec![0u8; self.size];
        let mut sent_at = VecDeque::with_capacity(self.in_flight);
        let mut sent = 0;
        loop {
            while sent_at.len() < self.in_flight && self.may_send(sent) {
                let message = numbered(sent, self.size);
                let piece = message.len().div_ceil(self.parts).max(1);
                sent_at.push_back((sent, Instant::now()));
                for part in message.chunks(piece) {
                    stream.write_all(part)?;
                }
                sent += 1;
            }
            let Some((number, started)) = sent_at.pop_front() else {
                return Ok(());
            };
            stream.read_exact(&mut reply)?;
            let rtt = started.elapsed();
            let expected = common::transform::to_upper(&numbered(number, self.size));
            if reply == expected {
                tally.latencies.record(rtt);
                tally.answered += 1;
                self.progress.fetch_add(1, Ordering::Relaxed);
            } else {
                tally.wrong(|| unexpected(number, &reply, &expected));
            }
        }
        // EXERCÍCIO 7: FIM
    }
    // ANCHOR_END: ping

    fn stream(&self, tally: &mut Tally) -> io::Result<()> {
        let mut stream = self.connect()?;
        tally.connections += 1;
        let mut writer = stream.try_clone()?;
        let total = self.bytes;
        let written = Arc::new(AtomicU64::new(0));
        let recording = self.observe.start(&writer, &written)?;
        // Escreve numa thread e lê nesta: se uma só thread escrevesse tudo
        // antes de ler, os buffers dos dois lados encheriam e tudo pararia.
        // Devolve quantos bytes enviou: menos que `total` se o Ctrl+C parou o envio.
        let sender =
            thread::Builder::new()
                .stack_size(THREAD_STACK)
                .spawn(move || -> io::Result<u64> {
                    let chunk = pattern(0, 64 * 1024 + 26);
                    let mut offset = 0u64;
                    while offset < total && !common::shutdown::interrupted() {
                        let start = (offset % 26) as usize;
                        let len = (total - offset).min(64 * 1024) as usize;
                        writer.write_all(&chunk[start..start + len])?;
                        offset += len as u64;
                        written.store(offset, Ordering::Relaxed);
                    }
                    writer.shutdown(Shutdown::Write)?;
                    Ok(offset)
                })?;
        let expected = pattern(0, 64 * 1024 + 26).to_ascii_uppercase();
        let mut buffer = vec![0u8; 64 * 1024];
        let mut received = 0u64;
        let (reading_since, mut paused) = (Instant::now(), false);
        loop {
            self.observe.pace(reading_since, received, &mut paused);
            let n = match stream.read(&mut buffer) {
                // O Ctrl+C interrompe o `read`; o envio para sozinho, e a
                // leitura segue até o eco do que já foi enviado.
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            if n == 0 {
                break;
            }
            let start = (received % 26) as usize;
            if received + n as u64 > total {
                tally.wrong(|| format!("o servidor devolveu mais bytes que os {total} enviados"));
                break;
            }
            if buffer[..n] != expected[start..start + n] && tally.wrong == 0 {
                tally.wrong(|| {
                    format!(
                        "a partir do byte {received}, veio {}",
                        common::log::preview(&buffer[..n], 40)
                    )
                });
            }
            received += n as u64;
            self.progress.fetch_add(n as u64, Ordering::Relaxed);
        }
        let sent = sender
            .join()
            .map_err(|_| io::Error::other("thread de envio"))??;
        if let Some(recording) = recording {
            recording.finish()?;
        }
        tally.bytes += received;
        if received == sent && tally.wrong == 0 {
            tally.answered += 1;
        } else if received < sent {
            tally
                .wrong(|| format!("o servidor fechou depois de ecoar {received} dos {sent} bytes"));
        }
        Ok(())
    }

    fn many(&self, tally: &mut Tally) -> io::Result<()> {
        // Todas as threads começam juntas, para as conexões chegarem de uma vez.
        self.barrier.wait();
        let released = Instant::now();
        let first = self.connect_and_ask(b"primeira linha\n");
        let answered_at = Instant::now();
        // Ninguém segue antes de todas terem tentado: as conexões ficam abertas juntas.
        self.barrier.wait();
        let mut stream = match first {
            Ok((stream, Ok(()))) => {
                tally.latencies.record(answered_at - released);
                tally.window = Some((released, answered_at));
                tally.connections += 1;
                tally.answered += 1;
                self.progress.fetch_add(1, Ordering::Relaxed);
                stream
            }
            Ok((_, Err(reply))) => {
                tally.wrong(|| format!("à primeira linha veio {reply}"));
                return Ok(());
            }
            Err(err) => return Err(err),
        };
        // Segura as conexões; o Ctrl+C encurta a espera.
        let until = Instant::now() + self.hold;
        while Instant::now() < until && !common::shutdown::interrupted() {
            thread::sleep(
                until
                    .saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(50)),
            );
        }
        match ask(&mut stream, b"segunda linha\n")? {
            Ok(()) => tally.second_answered += 1,
            Err(reply) => tally.wrong(|| format!("à segunda linha veio {reply}")),
        }
        Ok(())
    }

    fn connect_and_ask(&self, line: &[u8]) -> io::Result<(TcpStream, Result<(), String>)> {
        let mut stream = self.connect()?;
        let ok = ask(&mut stream, line)?;
        Ok((stream, ok))
    }

    fn one_per_connection(&self, tally: &mut Tally) -> io::Result<()> {
        let mut sent = 0;
        while self.may_send(sent) {
            let message = numbered(sent, self.size);
            let expected = common::transform::to_upper(&message);
            let started = Instant::now();
            let mut stream = self.connect()?;
            stream.write_all(&message)?;
            // Se o servidor já fechou, o `shutdown` falha com "não conectado",
            // que não explica nada; a leitura logo abaixo diz o que houve.
            let _ = stream.shutdown(Shutdown::Write);
            let mut reply = Vec::with_capacity(self.size);
            stream.read_to_end(&mut reply)?;
            let rtt = started.elapsed();
            tally.connections += 1;
            if reply == expected {
                tally.latencies.record(rtt);
                tally.answered += 1;
                self.progress.fetch_add(1, Ordering::Relaxed);
            } else {
                tally.wrong(|| unexpected(sent, &reply, &expected));
            }
            sent += 1;
        }
        Ok(())
    }
}

/// Manda uma linha e confere a resposta; se veio errada, diz o que veio.
fn ask(stream: &mut TcpStream, line: &[u8]) -> io::Result<Result<(), String>> {
    stream.write_all(line)?;
    let mut reply = vec![0u8; line.len()];
    stream.read_exact(&mut reply)?;
    if reply == common::transform::to_upper(line) {
        Ok(Ok(()))
    } else {
        Ok(Err(common::log::preview(&reply, 40)))
    }
}

/// A mensagem número `number`: o número escrito em letras (`a` = 0, `b` = 1,
/// com o algarismo das unidades primeiro) e, depois, letras em sequência. Duas
/// mensagens seguidas nunca são iguais, nem com 1 byte: a resposta repetida ou
/// atrasada de uma não passa pela da outra.
fn numbered(number: u64, size: usize) -> Vec<u8> {
    let mut message = pattern(0, size);
    let mut rest = number;
    for byte in message.iter_mut().take(14) {
        *byte = b'a' + (rest % 26) as u8;
        rest /= 26;
    }
    message
}

/// A explicação de uma resposta errada à mensagem `number`.
fn unexpected(number: u64, reply: &[u8], expected: &[u8]) -> String {
    if reply.is_empty() {
        return format!("à mensagem {number}, o servidor fechou a conexão sem responder");
    }
    format!(
        "à mensagem {number} veio {}, e não {}",
        common::log::preview(reply, 40),
        common::log::preview(expected, 40)
    )
}

/// `size` letras minúsculas, começando pela letra `offset % 26`.
fn pattern(offset: usize, size: usize) -> Vec<u8> {
    (0..size)
        .map(|i| b'a' + ((offset + i) % 26) as u8)
        .collect()
}

/// O que o progresso conta em cada modo, e até onde a medida vai.
fn progress_of(config: &Config) -> (Unit, Plan) {
    let connections = config.connections as u64;
    let per_count = |unit| match config.count {
        Some(count) => (unit, Plan::Until(count * connections)),
        None => (unit, Plan::For(config.duration)),
    };
    match config.mode {
        Mode::Ping => per_count(Unit::Replies),
        Mode::UmaPorConexao => per_count(Unit::Connections),
        Mode::Fluxo => (
            Unit::Bytes,
            Plan::Until(config.mebibytes * 1024 * 1024 * connections),
        ),
        Mode::Conexoes => (Unit::Answered, Plan::Until(connections)),
    }
}

fn report(config: &Config, total: &Tally, elapsed: Duration) {
    let rtt = total.latencies.clone().summary();
    let window_us = total
        .window
        .map_or(0, |(start, end)| (end - start).as_micros() as u64);
    let seconds = elapsed.as_secs_f64();
    let mib_per_s = per_second(total.bytes, elapsed) / (1024.0 * 1024.0);
    let rate = per_second(total.answered, elapsed);
    let interrupted = common::shutdown::interrupted();
    if config.format != Format::Texto {
        Fields::default()
            .with("protocolo", Value::Text("tcp"))
            .with("modo", Value::Text(config.mode.name()))
            .with("conexoes", Value::Count(config.connections as u64))
            .with("em_voo", Value::Count(config.in_flight as u64))
            .with("tamanho", Value::Count(config.size as u64))
            .with("segundos", Value::Number(seconds, 3))
            .with("interrompido", Value::Flag(interrupted))
            .with("conexoes_feitas", Value::Count(total.connections))
            .with("respondidos", Value::Count(total.answered))
            .with("errados", Value::Count(total.wrong))
            .with("erros", Value::Count(total.errors))
            .with("segunda_linha", Value::Count(total.second_answered))
            .with("por_segundo", Value::Number(rate, 0))
            .with("bytes", Value::Count(total.bytes))
            .with("mib_por_segundo", Value::Number(mib_per_s, 1))
            .with("p50_us", Value::Count(rtt.p50.into()))
            .with("p99_us", Value::Count(rtt.p99.into()))
            .with("max_us", Value::Count(rtt.max.into()))
            .with("janela_us", Value::Count(window_us))
            .with("media_us", Value::Number(rtt.mean, 1))
            .with("a_caminho_medido", Value::Number(little(rate, rtt.mean), 2))
            .print(config.format);
        return;
    }
    out!();
    out!(
        "Resultado: TCP, modo {}, {}, {} s{}",
        config.mode.name(),
        plural(config.connections, "conexão", "conexões"),
        decimal(seconds, 2),
        if interrupted {
            " (interrompido pelo Ctrl+C)"
        } else {
            ""
        }
    );
    out!(
        "  conexões feitas      {:>12}",
        thousands(total.connections)
    );
    out!("  respostas certas     {:>12}", thousands(total.answered));
    out!("  respostas erradas    {:>12}", thousands(total.wrong));
    out!("  erros                {:>12}", thousands(total.errors));
    match config.mode {
        Mode::Ping | Mode::UmaPorConexao => {
            out!("  respostas/s          {:>12}", thousands(rate as u64));
        }
        Mode::Fluxo => {
            out!(
                "  MiB ecoados          {:>12}",
                thousands(total.bytes >> 20)
            );
            out!("  MiB/s                {:>12}", decimal(mib_per_s, 1));
        }
        Mode::Conexoes => {
            out!("  todas respondidas em {:>12} µs", thousands(window_us));
            out!(
                "  2ª linha respondida  {:>12}",
                thousands(total.second_answered)
            );
        }
    }
    let rtt_label = if config.mode == Mode::Conexoes {
        "até responder"
    } else {
        "RTT"
    };
    if !total.latencies.is_empty() {
        for (name, micros) in [("p50", rtt.p50), ("p99", rtt.p99), ("máx", rtt.max)] {
            let label = format!("{rtt_label} {name}");
            out!("  {label:<21}{:>12} µs", thousands(micros.into()));
        }
    }
    if config.mode == Mode::Ping && !total.latencies.is_empty() {
        out!(
            "  respostas/s × RTT    {:>12}  (em voo: {})",
            decimal(little(rate, rtt.mean), 2),
            config.connections * config.in_flight
        );
    }
}
