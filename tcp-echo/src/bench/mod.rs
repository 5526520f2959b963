//! `tcp-echo bench`: mede um servidor de eco TCP qualquer (o nosso, o Python
//! das notas, o de um colega). Quatro modos (`--modo`), um arquivo cada:
//!
//! - `ping.rs`: cada conexão manda uma mensagem e espera a resposta, de novo
//!   e de novo (com `--em-voo` > 1, mantém várias em voo). Mede respostas/s e RTT.
//! - `fluxo.rs`: cada conexão envia um volume grande (`--mib`) enquanto lê o
//!   eco, conferido byte a byte. Mede MiB/s.
//! - `conexoes.rs`: abre `--conexoes` conexões de uma vez, cada uma manda uma
//!   linha; mede quanto tempo até todas terem resposta; espera `--espera` e
//!   confere que todas ainda respondem a uma segunda linha.
//! - `uma_por_conexao.rs`: cada cliente abre uma conexão, manda uma mensagem,
//!   lê a resposta até o fim e fecha; de novo e de novo. Mede conexões/s.
//!
//! Este arquivo tem o que os quatro dividem: a configuração, uma thread por
//! conexão (com o esqueleto de `common::bench`), a conferência de memória e a
//! contagem. O resultado é mostrado em `report.rs`; as mensagens numeradas
//! do `ping` e do `uma-por-conexao` são feitas em `message.rs`.
//!
//! Toda resposta é conferida: tem de ser exatamente o que foi enviado, em
//! maiúsculas. As mensagens são letras minúsculas ASCII, então o tamanho não
//! muda. Uma resposta errada ou um erro de rede fazem o bench sair com erro,
//! com o primeiro caso de cada um explicado: uma medida assim não vale.

mod message;
mod report;

pub mod conexoes;
pub mod fluxo;
pub mod ping;
pub mod uma_por_conexao;

use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::bench::{THREAD_STACK, Workers, plural};
use common::report::Format;
use common::stats::{Latencies, Plan, Unit, thousands};
use common::{Error, stats::Ticker};

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
    /// Quantas conexões (ou clientes) ao mesmo tempo.
    pub connections: usize,
    /// Limite para conectar e para cada leitura.
    pub timeout: Duration,
    /// Como mostrar o resultado: tabela, `chave=valor` ou JSON.
    pub format: Format,
    /// O modo, com os parâmetros que só ele usa.
    pub measure: Measure,
}

/// O modo escolhido e os seus parâmetros (cada um no arquivo do modo).
#[derive(Debug, Clone)]
pub enum Measure {
    Ping(ping::Params),
    Fluxo(fluxo::Params),
    Conexoes(conexoes::Params),
    UmaPorConexao(uma_por_conexao::Params),
}

impl Measure {
    /// Qual dos modos é.
    fn mode(&self) -> Mode {
        match self {
            Measure::Ping(_) => Mode::Ping,
            Measure::Fluxo(_) => Mode::Fluxo,
            Measure::Conexoes(_) => Mode::Conexoes,
            Measure::UmaPorConexao(_) => Mode::UmaPorConexao,
        }
    }

    /// Quantos bytes cada conexão guarda ao mesmo tempo, além da pilha da
    /// sua thread (veja `check_memory`).
    fn memory(&self) -> usize {
        match self {
            Measure::Ping(ping) => ping.memory(),
            Measure::Fluxo(_) => fluxo::MEMORY,
            Measure::Conexoes(_) => conexoes::MEMORY,
            Measure::UmaPorConexao(each) => each.memory(),
        }
    }

    /// O que o progresso conta, e até onde a medida vai, com `connections`
    /// conexões.
    fn progress(&self, connections: u64) -> (Unit, Plan) {
        match self {
            Measure::Ping(ping) => (Unit::Replies, ping.amount.plan(connections)),
            Measure::Fluxo(fluxo) => (Unit::Bytes, Plan::Until(fluxo.bytes() * connections)),
            Measure::Conexoes(_) => (Unit::Answered, Plan::Until(connections)),
            Measure::UmaPorConexao(each) => (Unit::Connections, each.amount.plan(connections)),
        }
    }
}

/// Quanto cada conexão manda, nos modos `ping` e `uma-por-conexao`: por um
/// tempo (`--duracao`) ou uma contagem (`--contagem`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount {
    /// Mandar até passar este tempo.
    For(Duration),
    /// Mandar esta quantidade de mensagens.
    Count(u64),
}

impl Amount {
    /// Até onde vai o progresso, somadas as `connections` conexões.
    fn plan(self, connections: u64) -> Plan {
        match self {
            Amount::For(duration) => Plan::For(duration),
            Amount::Count(count) => Plan::Until(count * connections),
        }
    }
}

/// Roda o bench e mostra o resultado.
pub fn run(config: &Config) -> Result<(), Error> {
    let addresses = common::address::resolve(&config.server, config.port)?;
    let mode = config.measure.mode();
    eprintln!(
        "bench TCP ({}): {}, {}",
        mode.name(),
        addresses[0],
        plural(config.connections, "conexão", "conexões")
    );
    // O primeiro Ctrl+C para os envios; o resultado do que foi medido sai igual.
    common::shutdown::stop_on_ctrl_c();
    if let Measure::Fluxo(fluxo) = &config.measure {
        fluxo.observe.check(config.connections == 1)?;
    }
    check_memory(config)?;
    let job = Job {
        addresses,
        timeout: config.timeout,
        started: Instant::now(),
        progress: Arc::new(AtomicU64::new(0)),
        barrier: Arc::new(Barrier::new(config.connections)),
    };
    let (unit, plan) = config.measure.progress(config.connections as u64);
    let ticker = Ticker::start(Arc::clone(&job.progress), unit, plan);
    let jobs: Vec<_> = (0..config.connections)
        .map(|_| {
            let (job, measure) = (job.clone(), config.measure.clone());
            move || job.run(&measure)
        })
        .collect();
    let workers = Workers {
        each: "da conexão",
        option: "--conexoes",
    };
    let total: Tally = common::bench::run_all(jobs, workers)?;
    let elapsed = job.started.elapsed();
    ticker.stop();
    report::show(config, &total, elapsed);
    common::bench::verdict(&total.problems())
}

/// Confere, antes de começar, se a memória que as conexões vão pedir cabe: a
/// pilha de cada thread e as mensagens que cada uma guarda ao mesmo tempo.
/// Sem isto, `--conexoes 2000 --tamanho 1048576` sob um `ulimit -v` de 1 GB
/// começaria e abortaria no meio ("memory allocation failed"), sem resultado.
fn check_memory(config: &Config) -> Result<(), Error> {
    let needed = config
        .connections
        .saturating_mul(THREAD_STACK + config.measure.memory());
    if common::memory::fits(needed) {
        return Ok(());
    }
    Err(Error::new(format!(
        "sem memória: {} no modo {} pedem cerca de {} MiB, e o kernel não tem isso para \
         este processo (veja `ulimit -v`); tente menos --conexoes ou um --tamanho menor",
        plural(config.connections, "conexão", "conexões"),
        config.measure.mode().name(),
        thousands((needed >> 20) as u64)
    )))
}

/// O que toda conexão (ou cliente, no modo uma-por-conexao) recebe do bench,
/// seja qual for o modo.
#[derive(Debug, Clone)]
struct Job {
    /// Os endereços do servidor, na ordem em que tentar.
    addresses: Vec<SocketAddr>,
    /// Limite para conectar e para cada leitura.
    timeout: Duration,
    /// A largada: `--duracao` conta daqui.
    started: Instant,
    /// O que o progresso mostra, somado por todas as conexões.
    progress: Arc<AtomicU64>,
    /// Só o modo conexoes espera aqui: todas as conexões largam juntas.
    barrier: Arc<Barrier>,
}

impl Job {
    /// Mede uma conexão no modo pedido e devolve o que ela contou; um erro
    /// de rede encerra a conexão e fica contado, explicado.
    fn run(self, measure: &Measure) -> Tally {
        let mut tally = Tally::default();
        let outcome = match measure {
            Measure::Ping(ping) => ping.run(&self, &mut tally),
            Measure::Fluxo(fluxo) => fluxo.run(&self, &mut tally),
            Measure::Conexoes(many) => many.run(&self, &mut tally),
            Measure::UmaPorConexao(each) => each.run(&self, &mut tally),
        };
        if let Err(err) = outcome {
            tally.errors += 1;
            if tally.first_error.is_none() {
                tally.first_error = Some(common::error::describe(&err));
            }
        }
        tally
    }

    /// Abre uma conexão com o servidor.
    fn connect(&self) -> io::Result<TcpStream> {
        common::tcp::connect(&self.addresses, self.timeout)
            // O erro já vem explicado em português; `describe` o reconhece.
            .map_err(io::Error::other)
    }

    /// Vai mais uma mensagem, depois de `sent`? Não depois da contagem, do
    /// tempo pedido ou de um Ctrl+C.
    fn may_send(&self, amount: Amount, sent: u64) -> bool {
        let planned = match amount {
            Amount::Count(count) => sent < count,
            Amount::For(duration) => self.started.elapsed() < duration,
        };
        planned && !common::shutdown::interrupted()
    }
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
    /// Modo conexoes: do primeiro `connect` à última resposta, em µs.
    fn window_us(&self) -> u64 {
        self.window
            .map_or(0, |(start, end)| (end - start).as_micros() as u64)
    }

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
