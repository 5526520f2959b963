//! O laboratório de perda real (`tests/lab/perda_real.sh`): num namespace de
//! rede, o nftables descarta 10 % dos pacotes; o UDP perde perto disso e o TCP
//! entrega tudo, retransmitindo. Precisa de root, `ip` e `nft`: onde não há,
//! o teste avisa e não roda.

use std::process::Command;

use avaliacao::{binary, workspace_root};

#[test]
fn udp_perde_perto_do_descarte_e_tcp_entrega_tudo() {
    let bin_dir = binary("udp-echo")
        .parent()
        .expect("pasta dos binários")
        .to_path_buf();
    binary("tcp-echo");
    let output = Command::new("bash")
        .arg(workspace_root().join("tests/lab/perda_real.sh"))
        .env("BIN_DIR", &bin_dir)
        .env("PERDA", "10")
        .env("PINGS", "200")
        .env("MIB", "8")
        .output()
        .expect("bash");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0) => {
            assert!(
                stdout.contains("o TCP entregou os 8 MiB inteiros"),
                "{stdout}"
            );
            eprintln!("{stdout}");
        }
        Some(2) => {
            eprintln!("\n*** AVISO: o laboratório de perda real NÃO RODOU aqui: {stderr} ***\n")
        }
        _ => panic!("o laboratório falhou:\n{stdout}\n{stderr}"),
    }
}
