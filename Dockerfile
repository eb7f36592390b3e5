# MemGrowth image: one image for every role (memgrowth agent | analytics | run | leaks ...).
# Build stage on Debian 12: clang, bpftool and libbpf-dev build the eBPF probe (CO-RE: the object runs on
# any kernel ≥ 5.13 with BTF; vmlinux.h comes from the build host's /sys/kernel/btf/vmlinux).
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl clang llvm bpftool libbpf-dev \
 && curl -fsSL https://packages.microsoft.com/config/debian/12/packages-microsoft-prod.deb -o /tmp/ms.deb \
 && dpkg -i /tmp/ms.deb && rm /tmp/ms.deb \
 && apt-get update && apt-get install -y --no-install-recommends dotnet-sdk-10.0 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish src/Cli/Cli.csproj -c Release -o /app -nologo

# Runtime: .NET with ASP.NET Core (the history API runs on Kestrel) and libbpf.so.1 (the probe's loader).
FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends libbpf1 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1
ENTRYPOINT ["dotnet", "/app/memgrowth.dll"]
CMD ["run"]
