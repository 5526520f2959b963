//! `tcp-echo`: o cliente e o servidor TCP das notas, em Rust.
//!
//! Este arquivo só lê a linha de comando e chama o subcomando escolhido; o
//! servidor está em `server.rs`, o cliente em `client.rs` e o medidor de
//! desempenho em `bench/`, um arquivo por modo.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use common::cli::{FormatArgs, ListenArgs, ServerArgs};
use tcp_echo::bench::{self, conexoes, fluxo, ping, uma_por_conexao};
use tcp_echo::{client, server};

/// Eco TCP: o cliente manda frases por uma conexão, o servidor as devolve em maiúsculas.
#[derive(Debug, Parser)]
#[command(name = "tcp-echo", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inicia o servidor TCP, que devolve em maiúsculas tudo o que cada conexão envia (também: server)
    #[command(alias = "server")]
    Servidor(ServidorArgs),
    /// Conecta ao servidor, envia a frase e mostra a resposta (também: client)
    #[command(alias = "client")]
    Cliente(ClienteArgs),
    /// Mede um servidor de eco TCP: respostas/s, RTT, MiB/s, muitas conexões
    #[command(alias = "benchmark")]
    Bench(BenchArgs),
}

// As opções de `servidor` (o `//`, e não `///`: veja `common::cli`).
#[derive(Debug, Args)]
struct ServidorArgs {
    #[command(flatten)]
    listen: ListenArgs,
    /// Quantas conexões atender ao mesmo tempo; as demais são recusadas com um aviso (1 a 10000)
    #[arg(long = "max-conexoes", value_name = "N", default_value = "1024", value_parser = common::cli::count_up_to(10_000))]
    max_connections: u32,
    /// Fecha uma conexão parada (sem receber nem conseguir enviar) por mais que isso (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(long = "ocioso", value_name = "TEMPO", default_value = "300s", value_parser = common::cli::seconds)]
    idle_timeout: Duration,
    /// Tamanho da fila de conexões esperando o accept, o listen(1) das notas (1 a 65535)
    #[arg(long = "backlog", value_name = "N", default_value = "1024", value_parser = common::cli::count_up_to(65_535))]
    backlog: u32,
}

impl From<ServidorArgs> for server::Config {
    fn from(args: ServidorArgs) -> Self {
        server::Config {
            address: args.listen.address,
            port: args.listen.port,
            max_connections: args.max_connections as usize,
            idle_timeout: args.idle_timeout,
            backlog: i32::try_from(args.backlog).unwrap_or(i32::MAX),
        }
    }
}

// As opções de `cliente`.
#[derive(Debug, Args)]
struct ClienteArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// Quanto esperar para conectar e por cada resposta (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "5s", value_parser = common::cli::seconds)]
    timeout: Duration,
    /// A frase a enviar; sem ela, o cliente envia cada linha digitada até o fim da entrada
    #[arg(value_name = "FRASE")]
    sentence: Vec<String>,
}

impl From<ClienteArgs> for client::Config {
    fn from(args: ClienteArgs) -> Self {
        client::Config {
            server: args.server.server,
            port: args.server.port,
            timeout: args.timeout,
            sentence: (!args.sentence.is_empty()).then(|| args.sentence.join(" ")),
        }
    }
}

// As opções de `bench`.
#[derive(Debug, Args)]
struct BenchArgs {
    #[command(flatten)]
    server: ServerArgs,
    /// O que medir
    #[arg(long = "modo", value_name = "MODO", default_value = "ping")]
    mode: bench::Mode,
    /// Quantas conexões (ou clientes, em uma-por-conexao) ao mesmo tempo (1 a 10000)
    #[arg(long = "conexoes", value_name = "N", default_value = "1", value_parser = common::cli::count_up_to(10_000))]
    connections: u32,
    /// Tamanho de cada mensagem, em bytes (ping e uma-por-conexao; 1 a 1048576)
    #[arg(long = "tamanho", value_name = "BYTES", default_value = "64", value_parser = common::cli::count_up_to(1_048_576))]
    size: u32,
    /// Quantas mensagens cada conexão mantém em voo (ping; 1 a 1000)
    #[arg(long = "em-voo", value_name = "N", default_value = "1", value_parser = common::cli::count_up_to(1000))]
    in_flight: u32,
    /// Em quantos write cada mensagem é enviada (ping), para experimentar com o Nagle (1 a 1000)
    #[arg(long = "partes", value_name = "N", default_value = "1", value_parser = common::cli::count_up_to(1000))]
    parts: u32,
    /// Por quanto tempo medir (ping e uma-por-conexao; 1ms a 86400s; sem unidade: segundos)
    #[arg(long = "duracao", value_name = "TEMPO", default_value = "5s", value_parser = common::cli::seconds)]
    duration: Duration,
    /// Em vez da duração: quantas mensagens cada conexão envia (1 a 100000000)
    #[arg(short = 'c', long = "contagem", value_name = "N", value_parser = common::cli::count_up_to(100_000_000))]
    count: Option<u32>,
    /// Quantos MiB cada conexão envia (fluxo; 1 a 65536)
    #[arg(long = "mib", value_name = "N", default_value = "256", value_parser = common::cli::count_up_to(65_536))]
    mebibytes: u32,
    /// Quanto tempo segurar as conexões antes da segunda linha (conexoes; 1ms a 86400s; sem unidade: segundos)
    #[arg(long = "espera", value_name = "TEMPO", default_value = "2s", value_parser = common::cli::seconds)]
    hold: Duration,
    /// Limite para conectar e para cada resposta (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
    #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "10s", value_parser = common::cli::seconds)]
    timeout: Duration,
    #[command(flatten)]
    format: FormatArgs,
    /// Grava o que o kernel sabe da conexão (janela, RTT, retransmissões) a cada 2 ms, em CSV (fluxo; só Linux)
    #[arg(long = "tcp-info", value_name = "ARQUIVO.csv")]
    tcp_info: Option<std::path::PathBuf>,
    /// Para de ler o eco por este tempo, depois do primeiro MiB (fluxo; 1ms a 86400s; ex.: 2s, 500ms; sem unidade: segundos)
    #[arg(long = "pausa-leitura", value_name = "TEMPO", value_parser = common::cli::seconds)]
    read_pause: Option<Duration>,
    /// Lê o eco devagar: no máximo tantos KiB por segundo (fluxo; 1 a 10000000)
    #[arg(long = "leitura-lenta", value_name = "KIB", value_parser = common::cli::count_up_to(10_000_000))]
    slow_read: Option<u32>,
}

impl TryFrom<BenchArgs> for bench::Config {
    type Error = common::Error;

    /// Separa as opções de cada modo; as de um modo não valem nos outros.
    fn try_from(args: BenchArgs) -> Result<Self, Self::Error> {
        let amount = match args.count {
            Some(count) => bench::Amount::Count(count.into()),
            None => bench::Amount::For(args.duration),
        };
        let observe = tcp_echo::observe::Observe {
            tcp_info: args.tcp_info,
            read_pause: args.read_pause,
            slow_read: args.slow_read.map(|kib| u64::from(kib) * 1024),
        };
        if args.mode != bench::Mode::Fluxo {
            // Fora do modo fluxo, um --tcp-info pedido é recusado (e não
            // esquecido): `check(false)` explica que ele é do modo fluxo.
            observe.check(false)?;
        }
        let measure = match args.mode {
            bench::Mode::Ping => bench::Measure::Ping(ping::Params {
                size: args.size as usize,
                in_flight: args.in_flight as usize,
                parts: args.parts as usize,
                amount,
            }),
            bench::Mode::Fluxo => bench::Measure::Fluxo(fluxo::Params {
                mebibytes: args.mebibytes.into(),
                observe,
            }),
            bench::Mode::Conexoes => bench::Measure::Conexoes(conexoes::Params { hold: args.hold }),
            bench::Mode::UmaPorConexao => bench::Measure::UmaPorConexao(uma_por_conexao::Params {
                size: args.size as usize,
                amount,
            }),
        };
        Ok(bench::Config {
            server: args.server.server,
            port: args.server.port,
            connections: args.connections as usize,
            timeout: args.timeout,
            format: args.format.format,
            measure,
        })
    }
}

fn main() -> ExitCode {
    let cli: Cli = common::cli::parse();
    let result = match cli.command {
        Command::Servidor(args) => server::run(&args.into()),
        Command::Cliente(args) => client::run(&args.into()),
        Command::Bench(args) => {
            bench::Config::try_from(args).and_then(|config| bench::run(&config))
        }
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
