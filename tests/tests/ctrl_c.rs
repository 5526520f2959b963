//! Ctrl+C no `ping` e no `bench`: como o `ping` do sistema, o programa para de
//! enviar, mostra as estatísticas do que mediu até ali e sai com o código de
//! sempre (0 se a medida vale). Os testes mandam um SIGINT de verdade.

#![cfg(unix)]

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Instant;

use avaliacao::{PATIENCE, Server, binary, send_signal, wait_child, wait_until};

/// Um programa rodando, com a saída padrão e a de erro guardadas à medida que
/// chegam.
struct Running {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Running {
    fn start(program: &str, args: &[&str]) -> Running {
        let mut child = Command::new(binary(program))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iniciar o programa");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// Espera (até PATIENCE) que a saída `which` contenha `text`.
    fn wait_for(&self, which: &Arc<Mutex<String>>, text: &str) {
        assert!(
            wait_until(|| which.lock().unwrap().contains(text)),
            "{text:?} não apareceu:\n{}\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        );
    }

    /// Manda o Ctrl+C (SIGINT) e espera o programa sair.
    fn ctrl_c(mut self) -> (ExitStatus, String, String) {
        send_signal(&mut self.child, "INT");
        let status =
            wait_child(&mut self.child, PATIENCE).expect("o programa não saiu depois do Ctrl+C");
        // As threads que leem terminam quando o programa fecha as saídas.
        wait_until(|| Arc::strong_count(&self.stdout) == 1 && Arc::strong_count(&self.stderr) == 1);
        let stdout = self.stdout.lock().unwrap().clone();
        let stderr = self.stderr.lock().unwrap().clone();
        (status, stdout, stderr)
    }
}

fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let shared = Arc::clone(&text);
    thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            shared
                .lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
    text
}

#[test]
fn ctrl_c_no_ping_mostra_as_estatisticas_e_sai_com_zero() {
    let server = Server::start("udp-echo", &[]);
    let port = server.port().to_string();
    // 1000 pings, um por segundo: sem o Ctrl+C, levaria 16 minutos.
    let ping = Running::start("udp-echo", &["ping", "-p", &port, "-c", "1000", "-i", "1s"]);
    ping.wait_for(&ping.stdout, "seq=1 ");
    let started = Instant::now();
    let (status, stdout, _) = ping.ctrl_c();
    assert_eq!(status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("--- 127.0.0.1:") && stdout.contains(" recebidos, "),
        "{stdout}"
    );
    assert!(stdout.contains("rtt mín/méd/máx/mdev = "), "{stdout}");
    assert!(!stdout.contains("1000 enviados"), "{stdout}");
    // Sem esperar o intervalo de 1 s inteiro (folga larga para uma máquina lenta).
    assert!(started.elapsed() < PATIENCE, "{:?}", started.elapsed());
}

#[test]
fn ctrl_c_no_ping_sem_resposta_sai_com_erro() {
    // Um socket que recebe e nunca responde.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port().to_string();
    let ping = Running::start(
        "udp-echo",
        &[
            "ping", "-p", &port, "-c", "1000", "-i", "100ms", "-t", "50ms",
        ],
    );
    ping.wait_for(&ping.stdout, "ping 1: Tempo esgotado");
    let (status, stdout, stderr) = ping.ctrl_c();
    assert_eq!(status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("100,0 % de perda"), "{stdout}");
    assert!(stderr.contains("teve resposta"), "{stderr}");
}

#[test]
fn ctrl_c_no_bench_udp_mostra_o_resultado_ate_ali() {
    let server = Server::start("udp-echo", &[]);
    let port = server.port().to_string();
    let bench = Running::start(
        "udp-echo",
        &[
            "bench",
            "-p",
            &port,
            "--duracao",
            "10min",
            "--formato",
            "chave-valor",
        ],
    );
    bench.wait_for(&bench.stderr, "respostas/s");
    let (status, stdout, stderr) = bench.ctrl_c();
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("RESULTADO "))
        .unwrap_or_else(|| panic!("sem RESULTADO:\n{stdout}\n{stderr}"));
    assert!(line.contains(" interrompido=true "), "{line}");
    assert!(!line.contains(" respondidos=0 "), "{line}");
    assert!(
        line.contains(" errados=0 ") && line.contains(" duplicados=0 "),
        "{line}"
    );
}

#[test]
fn ctrl_c_no_bench_tcp_fluxo_nao_acusa_o_servidor() {
    // O Ctrl+C para o envio no meio dos MiB: o servidor ecoou tudo o que
    // recebeu, e isso não é "fechou antes de ecoar".
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    let bench = Running::start(
        "tcp-echo",
        &["bench", "-p", &port, "--modo", "fluxo", "--mib", "65536"],
    );
    bench.wait_for(&bench.stderr, "MiB/s");
    let (status, stdout, stderr) = bench.ctrl_c();
    assert_eq!(status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("(interrompido pelo Ctrl+C)"), "{stdout}");
    assert!(stdout.contains("MiB/s"), "{stdout}");
    assert!(!stderr.contains("a medida não vale"), "{stderr}");
}
