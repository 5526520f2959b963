//! `tcp-echo`: o cliente e o servidor TCP das notas, em Rust.
//!
//! Este arquivo só lê a linha de comando e chama o subcomando escolhido; o
//! servidor está em `server.rs`, o cliente em `client.rs` e o medidor de
//! desempenho em `bench.rs`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use tcp_echo::{bench, client, server};

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
    Servidor {
        /// Endereço IP local onde escutar (0.0.0.0: todas as interfaces IPv4; ::, IPv6 e IPv4)
        #[arg(long = "endereco", value_name = "IP", default_value = "0.0.0.0")]
        address: String,
        /// Porta onde escutar (0: o sistema escolhe uma livre)
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
        /// Quantas conexões atender ao mesmo tempo; as demais são recusadas com um aviso (1 a 10000)
        #[arg(long = "max-conexoes", value_name = "N", default_value = "1024", value_parser = common::cli::count_up_to(10_000))]
        max_connections: u32,
        /// Fecha uma conexão parada (sem receber nem conseguir enviar) por mais que isso (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
        #[arg(long = "ocioso", value_name = "TEMPO", default_value = "300s", value_parser = common::cli::seconds)]
        idle_timeout: Duration,
        /// Tamanho da fila de conexões esperando o accept, o listen(1) das notas (1 a 65535)
        #[arg(long = "backlog", value_name = "N", default_value = "1024", value_parser = common::cli::count_up_to(65_535))]
        backlog: u32,
    },
    /// Conecta ao servidor, envia a frase e mostra a resposta (também: client)
    #[command(alias = "client")]
    Cliente {
        /// Nome ou endereço IP do servidor
        #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
        server: String,
        /// Porta do servidor
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
        /// Quanto esperar para conectar e por cada resposta (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
        #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "5s", value_parser = common::cli::seconds)]
        timeout: Duration,
        /// A frase a enviar; sem ela, o cliente envia cada linha digitada até o fim da entrada
        #[arg(value_name = "FRASE")]
        sentence: Vec<String>,
    },
    /// Mede um servidor de eco TCP: respostas/s, RTT, MiB/s, muitas conexões
    #[command(alias = "benchmark")]
    Bench {
        /// Nome ou endereço IP do servidor
        #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
        server: String,
        /// Porta do servidor
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
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
        /// Como mostrar o resultado: uma tabela, ou uma linha para outro programa ler
        #[arg(long = "formato", value_name = "FORMATO", default_value = "texto")]
        format: common::report::Format,
        /// Grava o que o kernel sabe da conexão (janela, RTT, retransmissões) a cada 2 ms, em CSV (fluxo; só Linux)
        #[arg(long = "tcp-info", value_name = "ARQUIVO.csv")]
        tcp_info: Option<std::path::PathBuf>,
        /// Para de ler o eco por este tempo, depois do primeiro MiB (fluxo; 1ms a 86400s; ex.: 2s, 500ms; sem unidade: segundos)
        #[arg(long = "pausa-leitura", value_name = "TEMPO", value_parser = common::cli::seconds)]
        read_pause: Option<Duration>,
        /// Lê o eco devagar: no máximo tantos KiB por segundo (fluxo; 1 a 10000000)
        #[arg(long = "leitura-lenta", value_name = "KIB", value_parser = common::cli::count_up_to(10_000_000))]
        slow_read: Option<u32>,
    },
}

fn main() -> ExitCode {
    let cli: Cli = common::cli::parse();
    let result = match cli.command {
        Command::Servidor {
            address,
            port,
            max_connections,
            idle_timeout,
            backlog,
        } => server::run(&server::Config {
            address,
            port,
            max_connections: max_connections as usize,
            idle_timeout,
            backlog: i32::try_from(backlog).unwrap_or(i32::MAX),
        }),
        Command::Cliente {
            server,
            port,
            timeout,
            sentence,
        } => client::run(&client::Config {
            server,
            port,
            timeout,
            sentence: (!sentence.is_empty()).then(|| sentence.join(" ")),
        }),
        Command::Bench {
            server,
            port,
            mode,
            connections,
            size,
            in_flight,
            parts,
            duration,
            count,
            mebibytes,
            hold,
            timeout,
            format,
            tcp_info,
            read_pause,
            slow_read,
        } => bench::run(&bench::Config {
            server,
            port,
            mode,
            connections: connections as usize,
            size: size as usize,
            in_flight: in_flight as usize,
            parts: parts as usize,
            duration,
            count: count.map(u64::from),
            mebibytes: mebibytes.into(),
            hold,
            timeout,
            format,
            observe: tcp_echo::observe::Observe {
                tcp_info,
                read_pause,
                slow_read: slow_read.map(|kib| u64::from(kib) * 1024),
            },
        }),
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
