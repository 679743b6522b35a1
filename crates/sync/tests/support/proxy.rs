//! A fault-injecting TCP proxy on loopback between the sync client and the gateway. Each new
//! connection draws a fate from a seeded generator: pass through but cut after a random number
//! of bytes (which drops requests and answers mid-body, including after the gateway stored a
//! submission), answer 500, 503 or 429 itself, delay, or close at once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How many of each fault the proxy injected.
#[derive(Default, Debug)]
pub struct FaultCounts {
    pub connections: AtomicU64,
    pub cut_mid_stream: AtomicU64,
    pub status_500: AtomicU64,
    pub status_503: AtomicU64,
    pub status_429: AtomicU64,
    pub delayed: AtomicU64,
    pub closed_at_once: AtomicU64,
}

pub struct FaultProxy {
    pub address: SocketAddr,
    pub faults_on: Arc<AtomicBool>,
    pub counts: Arc<FaultCounts>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    pub async fn start(upstream: SocketAddr, seed: u64) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("addr");
        let faults_on = Arc::new(AtomicBool::new(false));
        let counts = Arc::new(FaultCounts::default());
        let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        let (on, tally) = (faults_on.clone(), counts.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tally.connections.fetch_add(1, Ordering::Relaxed);
                let fate = if on.load(Ordering::Relaxed) {
                    let mut rng = rng.lock().expect("rng");
                    let roll: u32 = rng.gen_range(0..100);
                    let budget: u64 = rng.gen_range(300..300_000);
                    let delay: u64 = rng.gen_range(1..80);
                    match roll {
                        0..=49 => Fate::Cut(budget),
                        50..=59 => Fate::Status(500),
                        60..=69 => Fate::Status(503),
                        70..=79 => Fate::Status(429),
                        80..=94 => Fate::Delay(delay),
                        _ => Fate::Close,
                    }
                } else {
                    Fate::Pass
                };
                tokio::spawn(serve(client, upstream, fate, tally.clone()));
            }
        });
        FaultProxy {
            address,
            faults_on,
            counts,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone, Copy)]
enum Fate {
    Pass,
    Cut(u64),
    Status(u16),
    Delay(u64),
    Close,
}

async fn serve(mut client: TcpStream, upstream: SocketAddr, fate: Fate, counts: Arc<FaultCounts>) {
    let budget = match fate {
        Fate::Close => {
            counts.closed_at_once.fetch_add(1, Ordering::Relaxed);
            return;
        }
        Fate::Status(code) => {
            match code {
                500 => &counts.status_500,
                503 => &counts.status_503,
                _ => &counts.status_429,
            }
            .fetch_add(1, Ordering::Relaxed);
            answer_with_status(&mut client, code).await;
            return;
        }
        Fate::Delay(ms) => {
            counts.delayed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
            u64::MAX
        }
        Fate::Cut(bytes) => bytes,
        Fate::Pass => u64::MAX,
    };
    let Ok(server) = TcpStream::connect(upstream).await else {
        return; // the gateway is down: the client sees the connection close
    };
    let remaining = Arc::new(AtomicU64::new(budget));
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream_copy = pump(&mut client_read, &mut server_write, remaining.clone());
    let downstream_copy = pump(&mut server_read, &mut client_write, remaining.clone());
    tokio::select! {
        _ = upstream_copy => {}
        _ = downstream_copy => {}
    }
    if remaining.load(Ordering::Relaxed) == 0 {
        counts.cut_mid_stream.fetch_add(1, Ordering::Relaxed);
    }
    // Dropping every half closes both connections, wherever the bytes had got to.
}

/// Copies until EOF, an error, or the shared byte budget runs out.
async fn pump<R, W>(from: &mut R, to: &mut W, remaining: Arc<AtomicU64>)
where
    R: AsyncReadExt + Unpin,
    W: AsyncWriteExt + Unpin,
{
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let read = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        let left = remaining.load(Ordering::Relaxed);
        let allowed = (read as u64).min(left) as usize;
        remaining.fetch_sub(allowed as u64, Ordering::Relaxed);
        if to.write_all(&buffer[..allowed]).await.is_err() || allowed < read {
            return;
        }
    }
}

async fn answer_with_status(client: &mut TcpStream, code: u16) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < 65_536 {
        match client.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(read) => head.extend_from_slice(&buffer[..read]),
        }
    }
    let reason = match code {
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Too Many Requests",
    };
    let body = r#"{"code":"unavailable","message":"injected by the fault proxy"}"#;
    let response = format!(
        "HTTP/1.1 {code} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 0\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.write_all(response.as_bytes()).await;
    let _ = client.shutdown().await;
}
