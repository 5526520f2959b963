//! `udp-echo`: o cliente e o servidor UDP das notas, em Rust.
//!
//! Este arquivo só lê a linha de comando e chama o subcomando escolhido; o
//! servidor está em `server.rs`, o cliente em `client.rs`, o pinger do
//! laboratório em `ping.rs` e o medidor de desempenho em `bench.rs`.

use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
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
    Servidor {
        /// Endereço IP local onde escutar (0.0.0.0: todas as interfaces IPv4; ::, IPv6 e IPv4)
        #[arg(long = "endereco", value_name = "IP", default_value = "0.0.0.0")]
        address: String,
        /// Porta onde escutar (0: o sistema escolhe uma livre)
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
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
    },
    /// Envia uma frase ao servidor e mostra a resposta (também: client)
    #[command(alias = "client")]
    Cliente {
        /// Nome ou endereço IP do servidor
        #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
        server: String,
        /// Porta do servidor
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
        /// Quanto esperar pela resposta em cada tentativa (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
        #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::seconds)]
        timeout: Duration,
        /// Quantas vezes enviar antes de desistir (1 a 100)
        #[arg(long = "tentativas", value_name = "N", default_value = "3", value_parser = common::cli::count_up_to(100))]
        attempts: u32,
        /// A frase a enviar; sem ela, o cliente pede uma no terminal
        #[arg(value_name = "FRASE")]
        sentence: Vec<String>,
    },
    /// Envia pings numerados e mostra cada resposta, os atrasos e as perdas, como o ping do sistema operacional
    Ping {
        /// Nome ou endereço IP do servidor
        #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
        server: String,
        /// Porta do servidor
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
        /// Quantos pings enviar (1 a 100000)
        #[arg(short = 'c', long = "contagem", value_name = "N", default_value = "10", value_parser = common::cli::count_up_to(100_000))]
        count: u32,
        /// Intervalo entre pings (0 a 60s, com a unidade: 200ms, 1s)
        #[arg(short = 'i', long = "intervalo", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::short_time)]
        interval: Duration,
        /// Quanto esperar pela resposta de cada ping (1ms a 86400s; ex.: 5s, 500ms; sem unidade: segundos)
        #[arg(short = 't', long = "timeout", value_name = "TEMPO", default_value = "1s", value_parser = common::cli::seconds)]
        timeout: Duration,
    },
    /// Mede um servidor de eco UDP: respostas por segundo, RTT, perdas
    #[command(alias = "benchmark")]
    Bench {
        /// Nome ou endereço IP do servidor
        #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
        server: String,
        /// Porta do servidor
        #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = common::cli::port)]
        port: u16,
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
        /// Como mostrar o resultado: uma tabela, ou uma linha para outro programa ler
        #[arg(long = "formato", value_name = "FORMATO", default_value = "texto")]
        format: common::report::Format,
    },
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
        Command::Servidor {
            address,
            port,
            loss,
            delay,
            jitter,
            seed,
            duplicate,
        } => server::run(&server::Config {
            address,
            port,
            impairment: simulate::Impairment {
                loss,
                delay,
                jitter,
                seed,
                duplicate,
            },
        }),
        Command::Cliente {
            server,
            port,
            timeout,
            attempts,
            sentence,
        } => client::run(&client::Config {
            server,
            port,
            timeout,
            attempts,
            sentence: (!sentence.is_empty()).then(|| sentence.join(" ")),
        }),
        Command::Ping {
            server,
            port,
            count,
            interval,
            timeout,
        } => ping::run(&ping::Config {
            server,
            port,
            count,
            interval,
            timeout,
        }),
        Command::Bench {
            server,
            port,
            clients,
            size,
            in_flight,
            duration,
            count,
            timeout,
            format,
        } => bench::run(&bench::Config {
            server,
            port,
            clients: clients as usize,
            size,
            in_flight: in_flight as usize,
            duration,
            count: count.map(u64::from),
            timeout,
            format,
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
