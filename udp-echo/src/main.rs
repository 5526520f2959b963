//! `udp-echo`: o cliente e o servidor UDP das notas, em Rust.
//!
//! Este arquivo só lê a linha de comando e chama o subcomando escolhido; o
//! servidor está em `server.rs`, o cliente em `client.rs`, o pinger do
//! laboratório em `ping.rs` e o medidor de desempenho em `bench.rs`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use common::cli::{FormatArgs, ListenArgs, ServerArgs};
use udp_echo::{bench, client, ping, server, simulate};

/// Eco UDP: o cliente manda uma frase, o servidor a devolve em maiúsculas.
#[derive(Debug, Parser)]
#[command(name = "udp-echo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inicia o servidor UDP, que responde cada datagrama em maiúsculas (também: server)
    #[command(alias = "server")]
    Servidor(ServidorArgs),
    /// Envia uma frase ao servidor e mostra a resposta (também: client)
    #[command(alias = "client")]
    Cliente(ClienteArgs),
    /// Envia pings numerados e mostra cada resposta, os atrasos e as perdas, como o ping do sistema operacional
    Ping(PingArgs),
    /// Mede um servidor de eco UDP: respostas por segundo, RTT, perdas
    #[command(alias = "benchmark")]
    Bench(BenchArgs),
}

// As opções de `servidor` (o `//`, e não `///`: veja `common::cli`).
#[derive(Debug, Args)]
struct ServidorArgs {
    #[command(flatten)]
    listen: ListenArgs,
    /// Simula perda: descarta cada datagrama com esta probabilidade (0 a 1; 0.3 = 30 %)
    #[arg(long = "perda", value_name = "P", default_value = "0", value_parser = common::cli::probability)]
    loss: f64,
    /// Simula atraso: segura cada resposta por este tempo (0 a 60s, com a unidade: 200ms, 1s)
    #[arg(long = "atraso", value_name = "TEMPO", default_value = "0", value_parser = common::cli::short_time)]
    delay: Duration,
    /// Varia o atraso de cada resposta em até este tempo, para mais ou para menos (reordena; 0 a 60s, com a unidade: 50ms)
    #[arg(long = "variacao", value_name = "TEMPO", default_value = "0", value_parser = common::cli::short_time)]
    jitter: Duration,
    /// Semente dos sorteios de perda e atraso, para repetir exatamente a mesma sequência
    #[arg(long = "semente", value_name = "N", value_parser = common::cli::seed)]
    seed: Option<u64>,
    /// Simula duplicação: manda cada resposta duas vezes com esta probabilidade (0 a 1)
    #[arg(long = "duplicar", value_name = "P", default_value = "0", value_parser = common::cli::probability)]
    duplicate: f64,
}

impl From<ServidorArgs> for server::Config {
    fn from(args: ServidorArgs) -> Self {
        server::Config {
            address: args.listen.address,
            port: args.listen.port,
            impairment: simulate::Impairment {
                loss: args.loss,
                delay: args.delay,
                jitter: args.jitter,
                seed: args.seed,
                duplicate: args.duplicate,
            },
        }
    }
}

// As opções de `cliente`.
#[derive(Debug, Args)]
struct ClienteArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Quanto esperar pela resposta em cada tentativa (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::seconds)]
    timeout: Duration,
    /// Quantas vezes enviar antes de desistir (1 a 100)
    #[arg(long = "tentativas", value_name = "N", default_value = "3", value_parser = common::cli::count_up_to(100))]
    attempts: u32,
    /// A frase a enviar; sem ela, o cliente pede uma no terminal
    #[arg(value_name = "FRASE")]
    sentence: Vec<String>,
}

impl From<ClienteArgs> for client::Config {
    fn from(args: ClienteArgs) -> Self {
        client::Config {
            server: args.server.server,
            port: args.server.port,
            timeout: args.timeout,
            attempts: args.attempts,
            sentence: (!args.sentence.is_empty()).then(|| args.sentence.join(" ")),
        }
    }
}

// As opções de `ping`.
#[derive(Debug, Args)]
struct PingArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Quantos pings enviar (1 a 100000)
    #[arg(short = 'c', long = "contagem", value_name = "N", default_value = "10", value_parser = common::cli::count_up_to(100_000))]
    count: u32,
    /// Intervalo entre pings (0 a 60s, com a unidade: 200ms, 1s)
    #[arg(short = 'i', long = "intervalo", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::short_time)]
    interval: Duration,
    /// Quanto esperar pela resposta de cada ping (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::seconds)]
    timeout: Duration,
}

impl From<PingArgs> for ping::Config {
    fn from(args: PingArgs) -> Self {
        ping::Config {
            server: args.server.server,
            port: args.server.port,
            count: args.count,
            interval: args.interval,
            timeout: args.timeout,
        }
    }
}

// As opções de `bench`.
#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Quantos clientes ao mesmo tempo, cada um uma thread com o seu socket (1 a 1000)
    #[arg(long = "clientes", value_name = "N", default_value = "1", value_parser = common::cli::count_up_to(1000))]
    clients: u32,
    /// Tamanho de cada datagrama, em bytes (16 a 65507)
    #[arg(long = "tamanho", value_name = "BYTES", default_value = "64", value_parser = datagram_size)]
    size: usize,
    /// Quantos datagramas cada cliente mantém em voo (1 a 1000)
    #[arg(long = "em-voo", value_name = "N", default_value = "1", value_parser = common::cli::count_up_to(1000))]
    in_flight: u32,
    /// Por quanto tempo medir (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(long = "duracao", value_name = "TEMPO", default_value = "5s", value_parser = common::cli::seconds)]
    duration: Duration,
    /// Em vez da duração: quantos datagramas cada cliente envia (1 a 100000000)
    #[arg(short = 'c', long = "contagem", value_name = "N", value_parser = common::cli::count_up_to(100_000_000))]
    count: Option<u32>,
    /// Depois de quanto tempo sem resposta um datagrama conta como perdido (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::seconds)]
    timeout: Duration,
    #[command(flatten)]
    format: FormatArgs,
}

impl From<BenchArgs> for bench::Config {
    fn from(args: BenchArgs) -> Self {
        bench::Config {
            server: args.server.server,
            port: args.server.port,
            clients: args.clients as usize,
            size: args.size,
            in_flight: args.in_flight as usize,
            duration: args.duration,
            count: args.count.map(u64::from),
            timeout: args.timeout,
            format: args.format.format,
        }
    }
}

/// Lê o tamanho de um datagrama do bench.
fn datagram_size(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(n) if (bench::MIN_SIZE..=common::udp::MAX_PAYLOAD_IPV4).contains(&n) => Ok(n),
        _ => Err("o tamanho deve ser um número de 16 a 65507 bytes".to_string()),
    }
}

fn main() -> ExitCode {
    let cli: Cli = common::cli::parse();
    let result = match cli.command {
        Command::Servidor(args) => server::run(&args.into()),
        Command::Cliente(args) => client::run(&args.into()),
        Command::Ping(args) => ping::run(&args.into()),
        Command::Bench(args) => bench::run(&args.into()),
    };
    common::log::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            common::cli::print_error(&err);
            ExitCode::FAILURE
        }
    }
}
