//! A certificate authority and a server certificate for 127.0.0.1, for the HTTPS probes.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;

/// A certificate authority and a server certificate for 127.0.0.1, made with the `openssl`
/// command (None, visibly skipped, when it is not installed).
pub struct TestPki {
    pub dir: tempfile::TempDir,
}

impl TestPki {
    pub fn make(test: &str) -> Option<TestPki> {
        if std::process::Command::new("openssl").arg("version").output().is_err() {
            super::skip_unless_required(
                "DRCONSOLE_REQUIRE_TOOLS",
                test,
                "no openssl command to make test certificates (apt-get install openssl)",
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let ext = dir.path().join("ext.cnf");
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        let steps: Vec<Vec<&str>> = vec![
            [&["req", "-x509"][..], &ec, &["-keyout", "ca.key", "-out", "ca.pem"]].concat(),
            [&["req"][..], &ec, &["-keyout", "srv.key", "-out", "srv.csr"]].concat(),
            vec![
                "x509",
                "-req",
                "-in",
                "srv.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "srv.pem",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
            ],
        ];
        for (i, args) in steps.into_iter().enumerate() {
            let mut cmd = std::process::Command::new("openssl");
            cmd.args(&args).current_dir(dir.path());
            if i < 2 {
                let cn = if i == 0 { "/CN=drconsole test CA" } else { "/CN=127.0.0.1" };
                cmd.args(["-subj", cn, "-days", "2"]);
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Some(TestPki { dir })
    }

    pub fn ca_file(&self) -> String {
        self.dir.path().join("ca.pem").display().to_string()
    }

    /// An HTTPS server on 127.0.0.1 answering 200 "ok" with the server certificate.
    pub fn serve(&self) -> u16 {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(self.dir.path().join("srv.pem"))
                .unwrap()
                .map(|c| c.unwrap())
                .collect();
        let key = PrivateKeyDer::from_pem_file(self.dir.path().join("srv.key")).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let config = config.clone();
                std::thread::spawn(move || {
                    let conn = rustls::ServerConnection::new(config).unwrap();
                    let mut tls = rustls::StreamOwned::new(conn, tcp);
                    if !super::servers::read_request_head(&mut tls) {
                        return;
                    }
                    let _ = tls.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    );
                    tls.conn.send_close_notify();
                    let _ = tls.flush();
                });
            }
        });
        port
    }
}
