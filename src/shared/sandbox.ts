// The first query a sandbox user sees, ready to run: it works against the fake tenant's
// synthetic data and turns up public IPs worth looking up in (fake) Shodan.
export const SANDBOX_SAMPLE_KQL = `// Sandbox: recent outbound connections. Press Run (or Ctrl/Cmd+Enter).
DeviceNetworkEvents
| where Timestamp > ago(7d)
| where ActionType == "ConnectionSuccess"
| project Timestamp, DeviceName, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName
| take 200`
