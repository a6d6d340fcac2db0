# Modbus/TCP fleet for the sweep bench: one pymodbus (3.0.0rc1, Debian python3-pymodbus) asyncio
# server per address given on the command line, all in one process, each answering on port 502 with
# its own device identification (Read Device Identification, Modbus Application Protocol 1.1b §6.21).
# Run with /usr/bin/python3 (the Debian interpreter that has pymodbus), not a pyenv python.
import asyncio
import logging
import sys

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext, ModbusSequentialDataBlock
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server.async_io import ModbusTcpServer

logging.disable(logging.CRITICAL)


def context():
    store = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, [0] * 100),
        co=ModbusSequentialDataBlock(0, [0] * 100),
        hr=ModbusSequentialDataBlock(0, list(range(100))),
        ir=ModbusSequentialDataBlock(0, [0] * 100),
    )
    return ModbusServerContext(slaves=store, single=True)


async def main(addresses, port):
    servers = []
    for i, address in enumerate(addresses):
        identity = ModbusDeviceIdentification(
            info_name={
                "VendorName": "Bench Automation",
                "ProductCode": "BA-PLC",
                "MajorMinorRevision": "2.%d.0" % (i % 3),
                "ProductName": "Bench PLC",
                "ModelName": "BA-%03d" % i,
            }
        )
        servers.append(ModbusTcpServer(context(), identity=identity, address=(address, port), allow_reuse_address=True))
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    port = int(sys.argv[1])
    asyncio.run(main(sys.argv[2:], port))
