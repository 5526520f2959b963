//! `cargo bench -p avaliacao --bench velocidade`: mede os nossos servidores,
//! lado a lado, contra
//!
//! - uma **referência** mínima escrita aqui com `std::net` (UDP: um laço
//!   `recv_from`/`send_to`; TCP: uma thread por conexão, `write_all`,
//!   `TCP_NODELAY`), o mais rápido que um servidor simples consegue ser;
//! - os servidores **Python** das notas (`tests/python/`), onde eles funcionam.
//!
//! Cada medida é feita com os subcomandos `bench` dos próprios programas, em
//! rodadas alternadas (referência, nosso, Python, referência, ...), e fica a
//! mediana. Os nossos servidores rodam com as opções padrão e o log num arquivo.
//!
//! Variáveis: `BENCH_SEGUNDOS` (duração de cada rodada, padrão 2),
//! `BENCH_RODADAS` (padrão 5), `BENCH_CENARIO` (só os cenários cujo nome
//! contém o texto dado). Com `-- --gravar`, o resultado vai também para
//! `docs/BENCHMARKS.md`.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::{binary, workspace_root};
use common::stats::{decimal, thousands};

/// Um servidor em teste: um processo (o nosso, o Python) ou uma thread (a referência).
struct Running {
    addr: SocketAddr,
    child: Option<Child>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Sobe um processo com a saída num arquivo e lê o endereço da primeira linha.
fn spawn(mut command: Command, log: &str) -> Running {
    let path = log_dir().join(log);
    let file = File::create(&path).expect("arquivo de log");
    let child = command
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .spawn()
        .expect("servidor");
    // O `Running` mata o processo ao sair, mesmo se a espera abaixo falhar.
    let mut running = Running {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        child: Some(child),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let first = text.lines().next().filter(|_| text.contains('\n'));
        if let Some(addr) = first
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|a| a.parse().ok())
        {
            running.addr = addr;
            return running;
        }
        assert!(Instant::now() < deadline, "{log}: o servidor não subiu");
        thread::sleep(Duration::from_millis(20));
    }
}

fn log_dir() -> PathBuf {
    let dir = std::env::temp_dir().join("avaliacao-bench");
    std::fs::create_dir_all(&dir).expect("pasta de logs");
    dir
}

fn ours(program: &str) -> Running {
    let mut command = Command::new(binary(program));
    command.args(["servidor", "--endereco", "127.0.0.1", "--porta", "0"]);
    spawn(command, &format!("{program}.log"))
}

fn python(script: &str) -> Option<Running> {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("AVISO: sem python3; as colunas do Python ficam vazias");
        return None;
    }
    let mut command = Command::new("python3");
    command
        .arg(workspace_root().join("tests/python").join(script))
        .arg("0");
    Some(spawn(command, &format!("{script}.log")))
}

// ANCHOR: referencia_udp
/// A referência UDP: o laço das notas, sem log, sem nada.
fn reference_udp() -> Running {
    let socket = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let addr = socket.local_addr().expect("endereço");
    thread::spawn(move || {
        let mut buffer = vec![0u8; 65536];
        loop {
            let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                continue;
            };
            buffer[..n].make_ascii_uppercase();
            let _ = socket.send_to(&buffer[..n], from);
        }
    });
    Running { addr, child: None }
}
// ANCHOR_END: referencia_udp

// ANCHOR: referencia_tcp
/// A referência TCP: uma thread por conexão, `write_all`, `TCP_NODELAY`.
fn reference_tcp() -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("endereço");
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut buffer = vec![0u8; 64 * 1024];
                while let Ok(n @ 1..) = stream.read(&mut buffer) {
                    buffer[..n].make_ascii_uppercase();
                    if stream.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    Running { addr, child: None }
}
// ANCHOR_END: referencia_tcp

/// Roda `program bench --porta P args` e devolve os campos da linha RESULTADO.
fn measure(program: &str, server: &Running, args: &[&str]) -> Option<Vec<(String, f64)>> {
    let output = Command::new(binary(program))
        .args(["bench", "--formato", "chave-valor"])
        .args(["--servidor", "127.0.0.1", "--porta"])
        .arg(server.addr.port().to_string())
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("RESULTADO "))?;
    Some(
        line.split_whitespace()
            .filter_map(|field| field.split_once('='))
            .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
            .collect(),
    )
}

fn field(fields: &[(String, f64)], name: &str) -> f64 {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or(0.0, |(_, v)| *v)
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// Um cenário da tabela.
struct Scenario {
    name: &'static str,
    program: &'static str,
    args: Vec<String>,
    /// O número que importa na linha RESULTADO.
    metric: &'static str,
    unit: &'static str,
    /// A meta: nosso ≥ meta × referência.
    target: f64,
    python: Option<&'static str>,
}

fn main() {
    let record = std::env::args().any(|a| a == "--gravar");
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` pergunta a lista; não há testes aqui.
    }
    let seconds: String = std::env::var("BENCH_SEGUNDOS").unwrap_or_else(|_| "2".into());
    let rounds: usize = std::env::var("BENCH_RODADAS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let timed = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        args.extend(["--duracao".to_string(), seconds.clone()]);
        args
    };
    let scenarios = [
        Scenario {
            name: "UDP ping-pong, 64 B, 1 cliente",
            program: "udp-echo",
            args: timed(&["--clientes", "1", "--em-voo", "1"]),
            metric: "por_segundo",
            unit: "respostas/s",
            target: 0.95,
            python: Some("udp_servidor.py"),
        },
        Scenario {
            name: "UDP, 4 clientes × 8 em voo",
            program: "udp-echo",
            args: timed(&["--clientes", "4", "--em-voo", "8"]),
            metric: "por_segundo",
            unit: "respostas/s",
            target: 0.9,
            python: Some("udp_servidor.py"),
        },
        Scenario {
            name: "TCP ping-pong, 64 B, 1 conexão",
            program: "tcp-echo",
            args: timed(&["--modo", "ping", "--conexoes", "1"]),
            metric: "por_segundo",
            unit: "respostas/s",
            target: 0.95,
            python: None,
        },
        Scenario {
            name: "TCP ping-pong, 32 conexões",
            program: "tcp-echo",
            args: timed(&["--modo", "ping", "--conexoes", "32"]),
            metric: "por_segundo",
            unit: "respostas/s",
            target: 0.9,
            python: None,
        },
        Scenario {
            name: "TCP fluxo de 256 MiB",
            program: "tcp-echo",
            args: vec![
                "--modo".into(),
                "fluxo".into(),
                "--mib".into(),
                "256".into(),
            ],
            metric: "mib_por_segundo",
            unit: "MiB/s",
            target: 0.9,
            python: None,
        },
        Scenario {
            name: "uma mensagem por conexão, 8 clientes",
            program: "tcp-echo",
            args: timed(&["--modo", "uma-por-conexao", "--conexoes", "8"]),
            metric: "por_segundo",
            unit: "conexões/s",
            target: 1.5,
            python: Some("tcp_servidor.py"),
        },
    ];

    let mut table = String::new();
    table.push_str(
        "| cenário | referência | nosso | nosso ÷ referência | meta | Python das notas |\n\
         | --- | ---: | ---: | ---: | ---: | ---: |\n",
    );
    // BENCH_CENARIO=UDP mede só os cenários cujo nome contém "UDP".
    let only = std::env::var("BENCH_CENARIO").unwrap_or_default();
    for scenario in scenarios.iter().filter(|s| s.name.contains(&only)) {
        eprintln!("medindo: {}", scenario.name);
        let args: Vec<&str> = scenario.args.iter().map(String::as_str).collect();
        let (reference, mine) = if scenario.program == "udp-echo" {
            (reference_udp(), ours("udp-echo"))
        } else {
            (reference_tcp(), ours("tcp-echo"))
        };
        let python = scenario.python.and_then(python);
        let (mut r, mut o, mut p) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let pick = |server: &Running| {
                measure(scenario.program, server, &args).map(|f| field(&f, scenario.metric))
            };
            r.extend(pick(&reference));
            o.extend(pick(&mine));
            if let Some(python) = python.as_ref() {
                p.extend(pick(python));
            }
        }
        let (r, o, p) = (median(r), median(o), median(p));
        let ratio = match (r, o) {
            (Some(r), Some(o)) if r > 0.0 => Some(o / r),
            _ => None,
        };
        let met = ratio.is_some_and(|x| x >= scenario.target);
        let show = |v: Option<f64>| match v {
            Some(v) if scenario.unit == "MiB/s" => format!("{} MiB/s", decimal(v, 0)),
            Some(v) => format!("{} {}", thousands(v as u64), scenario.unit),
            None => "—".to_string(),
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} {} | ≥ {} | {} |\n",
            scenario.name,
            show(r),
            show(o),
            ratio.map_or("—".into(), |x| decimal(x, 2)),
            if met { "(ok)" } else { "(abaixo)" },
            decimal(scenario.target, 2),
            show(p),
        ));
    }

    // 500 conexões de uma vez: meta absoluta (todas respondidas em 100 ms).
    let burst_name = "500 conexões simultâneas";
    if !burst_name.contains(&only) {
        println!("\n{table}");
        return;
    }
    eprintln!("medindo: {burst_name}");
    let burst = ["--modo", "conexoes", "--conexoes", "500", "--espera", "2"];
    for (label, server) in [
        ("referência (backlog 128)", reference_tcp()),
        ("nosso (backlog 1024)", ours("tcp-echo")),
    ] {
        let fields = measure("tcp-echo", &server, &burst).unwrap_or_default();
        let worst_ms = field(&fields, "janela_us") / 1000.0;
        let answered = field(&fields, "respondidos");
        let second = field(&fields, "segunda_linha");
        table.push_str(&format!(
            "| 500 conexões de uma vez, {label} | {answered} respondidas, a última em {worst_ms:.0} ms; {second} responderam a 2ª linha após 2 s | | | todas em ≤ 100 ms {} | |\n",
            if answered == 500.0 && second == 500.0 && worst_ms <= 100.0 { "(ok)" } else { "(abaixo)" },
        ));
    }

    let header = format!(
        "Medido com `cargo bench -p avaliacao --bench velocidade` ({rounds} rodadas alternadas \
         de {seconds} s, mediana), {} núcleos, cliente e servidor na mesma máquina pela \
         loopback.\n\n",
        thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("\n{header}{table}");
    if record {
        let path = workspace_root().join("docs/BENCHMARKS.md");
        let text = format!(
            "# Medidas de desempenho\n\n{header}{table}\nPara medir de novo: \
             `cargo bench -p avaliacao --bench velocidade -- --gravar`.\n"
        );
        std::fs::write(&path, text).expect("docs/BENCHMARKS.md");
        eprintln!("gravado em {}", path.display());
    }
}
