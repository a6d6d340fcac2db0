#!/usr/bin/python3
"""Interop peer for test/modbus/pymodbus.test.ts: Debian's pymodbus (python3-pymodbus 3.0.0rc1)
Modbus/TCP server on 127.0.0.1 with a device identity, unit 1 only (other units get exception
0x0B). Logs every request it receives as 'REQ unit=<id> fc=<code>' on stdout (parsed from the MBAP
frames before pymodbus decodes them), so the test can assert from the server's side that no write
function code arrived. Prints 'READY <port>' once listening. Run with /usr/bin/python3.

usage: pymodbus_server.py PORT IDENTITY_JSON [EXTENDED_JSON]   (PORT 0 = ephemeral; EXTENDED_JSON
maps extended object ids 128..255 to values, read with read device id code 3)
"""
import asyncio
import json
import os
import struct
import sys

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.device import ModbusDeviceIdentification
from pymodbus.server.async_io import ModbusConnectedRequestHandler, ModbusTcpServer


class LoggingHandler(ModbusConnectedRequestHandler):
    """Logs unit id and function code of each MBAP frame, then lets pymodbus handle it."""

    def __init__(self, owner):
        super().__init__(owner)
        self._rx = b""

    def data_received(self, data):
        self._rx += data
        while len(self._rx) >= 8:
            length = struct.unpack(">H", self._rx[4:6])[0]
            if len(self._rx) < 6 + length:
                break
            print(f"REQ unit={self._rx[6]} fc={self._rx[7]}", flush=True)
            self._rx = self._rx[6 + length:]
        super().data_received(data)


async def main():
    port = int(sys.argv[1])
    identity = ModbusDeviceIdentification(info_name=json.loads(sys.argv[2]))
    if len(sys.argv) > 3:
        for key, value in json.loads(sys.argv[3]).items():
            identity[int(key)] = value
    unit = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, [17] * 100), co=ModbusSequentialDataBlock(0, [False] * 100))
    context = ModbusServerContext(slaves={1: unit}, single=False)
    server = ModbusTcpServer(context, identity=identity, address=(os.environ.get("PYMODBUS_HOST", "127.0.0.1"), port), handler=LoggingHandler)
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    print(f"READY {server.server.sockets[0].getsockname()[1]}", flush=True)
    await task


if __name__ == "__main__":
    asyncio.run(main())
