//! O `nc` (netcat, versão OpenBSD) como cliente: o servidor fala com qualquer
//! programa, não só com o nosso cliente. Sem `nc`, o teste avisa e não roda.

use std::process::Command;

use avaliacao::{Server, run_command};

fn netcat() -> Option<Command> {
    // A versão OpenBSD tem -N (fecha a escrita no fim da entrada).
    let help = Command::new("nc").arg("-h").output();
    let openbsd = help.is_ok_and(|o| String::from_utf8_lossy(&o.stderr).contains("-N"));
    if !openbsd {
        avaliacao::skip("sem o nc (netcat-openbsd) nesta máquina");
        return None;
    }
    Some(Command::new("nc"))
}

#[test]
fn nc_como_cliente_tcp() {
    let Some(mut nc) = netcat() else { return };
    let server = Server::start("tcp-echo", &[]);
    nc.args(["-N", "127.0.0.1", &server.port().to_string()]);
    let output = run_command(nc, "linha do nc\noutra ação\n".as_bytes());
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "LINHA DO NC\nOUTRA AÇÃO\n");
}

#[test]
fn nc_como_cliente_udp() {
    let Some(mut nc) = netcat() else { return };
    let server = Server::start("udp-echo", &[]);
    // -w 1: espera 1 s depois do fim da entrada e sai.
    nc.args(["-u", "-w", "1", "127.0.0.1", &server.port().to_string()]);
    let output = run_command(nc, b"datagrama do nc\n");
    assert_eq!(output.stdout_text(), "DATAGRAMA DO NC\n");
}
